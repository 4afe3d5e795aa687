// `dam upgrade`: replace an installed app by a newer version of its family. The old uninstall and the new
// install run with DAM_ACTION=upgrade; if the new install fails, the old version is installed again.
import { DamError } from '../core/errors.js';
import { checkInstallable, findInstalled } from '../core/install-rules.js';
import type { InstalledApp } from '../core/state.js';
import { acquire, addServerTags, checkScripts } from './acquire.js';
import { checkInterrupted, faultPoint, type LifecycleDeps } from './lifecycle-deps.js';
import { installApp, journaled } from './install.js';
import { recoverPending } from './recover.js';
import { ensureMeta } from './remove.js';
import { scriptApp } from './rollback.js';
import { join } from 'node:path';

export interface UpgradeResult {
  from: InstalledApp;
  to: InstalledApp;
}

/**
 * `text` names the new version (`name:version`, a full tag or an archive). `installedName` picks the app
 * being replaced when the new one's name differs from it.
 */
export async function upgrade(deps: LifecycleDeps, text: string, installedName?: string): Promise<UpgradeResult> {
  return deps.store.transaction(`upgrade ${text}`, async (tx) => {
    await recoverPending(deps, tx);
    const journal = await deps.journals.begin('upgrade', `upgrade ${text}`);
    return journaled(deps, tx, journal, async () => {
      const app = await acquire(deps, journal, tx.state, text);
      const old = installedName ? findInstalled(tx.state, installedName) : tx.state.apps.find((a) => a.name === app.name) ?? tx.state.apps.find((a) => a.family === app.family);
      if (!old) {
        throw new DamError('NOT_FOUND', `No installed app is in the family '${app.family}' of ${app.name}:${app.version}.`, `Install it instead: dam install ${text}`);
      }
      if (old.version === app.version && old.name === app.name) {
        throw new DamError('CONFLICT', `${app.name}:${app.version} is already the installed version.`, 'Nothing to do.');
      }
      checkInstallable(app.state, app, old);
      await checkScripts(deps, app);
      await addServerTags(deps, journal, app);
      const oldMeta = await ensureMeta(deps, old);
      const versions = { oldVersion: old.version, newVersion: app.version };
      const oldTarget = { name: old.name, version: old.version, tag: old.tag, family: old.family, metaDir: oldMeta };
      faultPoint(deps, 'before-old-uninstall');
      checkInterrupted(deps);
      await journal.intend({ kind: 'script', script: 'uninstall', action: 'upgrade', app: oldTarget, oldVersion: old.version, newVersion: app.version });
      deps.report.info(`Running the uninstall script of ${old.name}:${old.version}`);
      await deps.scripts.run({ script: 'uninstall', metaDir: oldMeta, app: scriptApp(oldTarget, 'upgrade', versions), timeoutMs: deps.scriptTimeoutMs, interactive: deps.interactive, signal: deps.signal });
      faultPoint(deps, 'after-old-uninstall');
      const oldDir = join(deps.appsDir, String(old.id));
      await journal.intend({ kind: 'moved-dir', from: oldDir, to: join(journal.workDir, 'replaced-app') });
      await deps.dirs.move(oldDir, join(journal.workDir, 'replaced-app'));
      const next = await installAppReporting(deps, () => installApp(deps, tx, journal, app, app.state, 'upgrade', versions, old), old);
      await journal.close();
      return { from: old, to: next };
    });
  });
}

/** Says, when the new install fails, that the rollback puts the old version back. */
async function installAppReporting(deps: LifecycleDeps, fn: () => Promise<InstalledApp>, old: InstalledApp): Promise<InstalledApp> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DamError) {
      deps.report.warn(`The new version failed to install; ${old.name}:${old.version} is being installed again.`);
      throw new DamError(err.code, `${err.message}\nThe upgrade was rolled back: ${old.name}:${old.version} is installed again.`, err.hint);
    }
    throw err;
  }
}
