// `dam install`: check everything, then change the host as one journaled transaction. A refused or failed
// install leaves the engine's tags, the host and DAM's state as they were.
import { checkInstallable } from '../core/install-rules.js';
import type { InstalledApp } from '../core/state.js';
import { acquire, addServerTags, checkScripts, type AcquiredApp } from './acquire.js';
import { faultPoint, type LifecycleDeps } from './lifecycle-deps.js';
import { recoverPending } from './recover.js';
import { commit, installStep, journaled } from './steps.js';
import { rememberAccepted } from './signatures.js';

export interface InstallResult {
  app: InstalledApp;
  source: AcquiredApp['source'];
  addedTags: string[];
  addedRepo?: string;
}

export async function install(deps: LifecycleDeps, text: string): Promise<InstallResult> {
  return deps.store.transaction(`install ${text}`, async (tx) => {
    await recoverPending(deps, tx);
    const journal = await deps.journals.begin('install', `install ${text}`);
    return journaled(deps, tx, journal, async () => {
      faultPoint(deps, 'after-begin');
      const app = await acquire(deps, journal, tx.state, text, async (candidate) => {
        checkInstallable(candidate.state, candidate);
        await checkScripts(deps, candidate);
      });
      const addedTags = await addServerTags(deps, journal, app);
      const base = app.state;
      const addedRepo = base.repos.length > tx.state.repos.length ? base.repos[base.repos.length - 1]?.name : undefined;
      const record = await installStep(deps, journal, app, base.nextAppId, 'install');
      await commit(deps, tx, journal, { ...base, apps: [...base.apps, record], nextAppId: record.id + 1 });
      await rememberAccepted(deps, app.admission);
      const result: InstallResult = { app: record, source: app.source, addedTags };
      if (addedRepo) result.addedRepo = addedRepo;
      return result;
    });
  });
}
