// `dam upgrade`: replace an installed app by another version of its family. The old uninstall and the new
// install run with DAM_ACTION=upgrade; if the new install fails, the old version is installed again.
import { DamError } from '../core/errors.js';
import { checkInstallable, findInstalled } from '../core/install-rules.js';
import type { InstalledApp } from '../core/state.js';
import { acquire, addServerTags, checkScripts } from './acquire.js';
import type { LifecycleDeps } from './lifecycle-deps.js';
import { recoverPending } from './recover.js';
import { commit, installStep, journaled, setAsideStep, uninstallStep } from './steps.js';

export interface UpgradeResult {
  from: InstalledApp;
  to: InstalledApp;
}

/** `text` names the new version: `name:version`, a full tag or an archive file. */
export async function upgrade(deps: LifecycleDeps, text: string, installedName?: string): Promise<UpgradeResult> {
  return deps.store.transaction(`upgrade ${text}`, async (tx) => {
    await recoverPending(deps, tx);
    const journal = await deps.journals.begin('upgrade', `upgrade ${text}`);
    return journaled(deps, tx, journal, async () => {
      const app = await acquire(deps, journal, tx.state, text);
      const old = installedName ? findInstalled(tx.state, installedName) : (tx.state.apps.find((a) => a.name === app.name) ?? tx.state.apps.find((a) => a.family === app.family));
      if (!old) {
        throw new DamError('NOT_FOUND', `No installed app is in the family '${app.family}' of ${app.name}:${app.version}.`, `Install it instead: dam install ${text}`);
      }
      if (old.version === app.version && old.name === app.name) {
        throw new DamError('CONFLICT', `${app.name}:${app.version} is already the installed version.`, 'Nothing to do.');
      }
      checkInstallable(app.state, app, old);
      await checkScripts(deps, app);
      await addServerTags(deps, journal, app);
      const versions = { oldVersion: old.version, newVersion: app.version };
      await uninstallStep(deps, journal, old, 'upgrade', versions);
      await setAsideStep(deps, journal, old);
      let next: InstalledApp;
      try {
        next = await installStep(deps, journal, app, app.state.nextAppId, 'upgrade', versions, old);
      } catch (err) {
        if (!(err instanceof DamError)) throw err;
        deps.report.warn(`The new version failed to install; ${old.name}:${old.version} is being installed again.`);
        throw new DamError(err.code, `${err.message}\nThe upgrade was rolled back: ${old.name}:${old.version} is installed again.`, err.hint);
      }
      const base = app.state;
      await commit(deps, tx, journal, { ...base, apps: [...base.apps.filter((a) => a.id !== old.id), next], nextAppId: next.id + 1 });
      return { from: old, to: next };
    });
  });
}
