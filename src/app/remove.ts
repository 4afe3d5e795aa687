// `dam remove`: run the app's uninstall from the meta copy kept at install time, then forget the app. The
// image stays for `dam purge`. A failing uninstall leaves the app installed, unless --force.
import { join } from 'node:path';
import { DamError } from '../core/errors.js';
import { findInstalled } from '../core/install-rules.js';
import type { InstalledApp } from '../core/state.js';
import { checkInterrupted, faultPoint, type LifecycleDeps } from './lifecycle-deps.js';
import { journaled, metaDirOf } from './install.js';
import { recoverPending } from './recover.js';
import { scriptApp } from './rollback.js';

export interface RemoveResult {
  app: InstalledApp;
  /** Set when --force dropped the record although the uninstall script failed. */
  forcedAfter?: string;
}

/** Makes sure the app's meta copy exists (apps imported from DAM 1.x have none yet): copies it from the image. */
export async function ensureMeta(deps: LifecycleDeps, app: InstalledApp): Promise<string> {
  const metaDir = metaDirOf(deps, app.id);
  if (await deps.dirs.exists(metaDir)) return metaDir;
  deps.report.info(`No kept copy of the meta of ${app.name}:${app.version}; reading it from image ${app.imageId.replace(/^sha256:/, '').slice(0, 12)}`);
  try {
    await deps.meta.fromImage(app.imageId, metaDir);
  } catch (err) {
    throw new DamError('NOT_FOUND', `The uninstall script of ${app.name}:${app.version} is not available: its meta copy is missing and its image cannot be read (${err instanceof Error ? err.message : String(err)}).`, `Use 'dam remove ${app.name}:${app.version} --force' to forget the app without running its uninstall script.`);
  }
  return metaDir;
}

export async function remove(deps: LifecycleDeps, text: string, force: boolean): Promise<RemoveResult> {
  return deps.store.transaction(`remove ${text}`, async (tx) => {
    await recoverPending(deps, tx);
    const app = findInstalled(tx.state, text);
    const journal = await deps.journals.begin('remove', `remove ${app.name}:${app.version}`);
    return journaled(deps, tx, journal, async () => {
      let forcedAfter: string | undefined;
      try {
        const metaDir = await ensureMeta(deps, app);
        const target = { name: app.name, version: app.version, tag: app.tag, family: app.family, metaDir };
        faultPoint(deps, 'before-uninstall-script');
        checkInterrupted(deps);
        await journal.intend({ kind: 'script', script: 'uninstall', action: 'remove', app: target });
        deps.report.info(`Running the uninstall script of ${app.name}:${app.version}`);
        await deps.scripts.run({ script: 'uninstall', metaDir, app: scriptApp(target, 'remove'), timeoutMs: deps.scriptTimeoutMs, interactive: deps.interactive, signal: deps.signal });
        faultPoint(deps, 'after-uninstall-script');
      } catch (err) {
        if (!force || (err instanceof DamError && err.code === 'INTERRUPTED')) throw err;
        forcedAfter = err instanceof Error ? err.message : String(err);
        deps.report.warn(`${forcedAfter}\n--force: forgetting ${app.name}:${app.version} all the same.`);
        // The failed uninstall is not rolled back with --force: drop its journal entry.
        journal.journal.entries = journal.journal.entries.filter((e) => e.effect.kind !== 'script');
      }
      const appDir = join(deps.appsDir, String(app.id));
      const aside = join(journal.workDir, 'removed-app');
      if (await deps.dirs.exists(appDir)) {
        await journal.intend({ kind: 'moved-dir', from: appDir, to: aside });
        await deps.dirs.move(appDir, aside);
      }
      await journal.committing();
      faultPoint(deps, 'before-commit');
      await tx.write({ ...tx.state, apps: tx.state.apps.filter((a) => a.id !== app.id), lastOperation: journal.journal.id });
      faultPoint(deps, 'after-commit');
      await journal.close();
      const result: RemoveResult = { app };
      if (forcedAfter) result.forcedAfter = forcedAfter;
      return result;
    });
  });
}
