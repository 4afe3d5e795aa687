// `dam install`: check everything, then change the host as one journaled transaction. A refused or failed
// install leaves the engine's tags, the host and DAM's state as they were.
import { join } from 'node:path';
import { DamError } from '../core/errors.js';
import { checkInstallable } from '../core/install-rules.js';
import { wasCommitted } from '../core/journal.js';
import type { InstalledApp, State } from '../core/state.js';
import type { StoreTransaction } from '../core/ports/store.js';
import type { ActiveJournal } from '../core/ports/host.js';
import { acquire, addServerTags, checkScripts, type AcquiredApp } from './acquire.js';
import { checkInterrupted, faultPoint, type LifecycleDeps } from './lifecycle-deps.js';
import { rollback, scriptApp } from './rollback.js';
import { recoverPending } from './recover.js';

export interface InstallResult {
  app: InstalledApp;
  source: AcquiredApp['source'];
  addedTags: string[];
  addedRepo?: string;
}

export function metaDirOf(deps: LifecycleDeps, appId: number): string {
  return join(deps.appsDir, String(appId), 'meta');
}

/** Runs `fn` in a journal; on any failure rolls back, then rethrows with what the rollback could not undo. */
export async function journaled<T>(deps: LifecycleDeps, tx: StoreTransaction, journal: ActiveJournal, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (wasCommitted(journal.journal, tx.state.lastOperation)) {
      // The state already holds the result; only the clean-up failed. Recovery finishes it later.
      throw err;
    }
    const problems = await rollback(journal, deps);
    if (problems.length > 0 && err instanceof DamError) {
      throw new DamError(err.code, `${err.message}\nThe rollback could not: ${problems.join('; ')}.`, err.hint);
    }
    throw err;
  }
}

/** Places the staged meta, runs install, and commits the app to the state. */
export async function installApp(deps: LifecycleDeps, tx: StoreTransaction, journal: ActiveJournal, app: AcquiredApp, base: State, action: 'install' | 'upgrade', versions: { oldVersion?: string; newVersion?: string } = {}, replaces?: InstalledApp): Promise<InstalledApp> {
  const id = base.nextAppId;
  const metaDir = metaDirOf(deps, id);
  const appDir = join(deps.appsDir, String(id));
  await journal.intend({ kind: 'dir', path: appDir });
  await deps.dirs.move(app.stagedMeta, metaDir);
  faultPoint(deps, 'before-install-script');
  checkInterrupted(deps);
  const target = { name: app.name, version: app.version, tag: app.tag, family: app.family, metaDir };
  await journal.intend({ kind: 'script', script: 'install', action, app: target, ...versions });
  deps.report.info(`Running the install script of ${app.name}:${app.version}`);
  await deps.scripts.run({ script: 'install', metaDir, app: scriptApp(target, action, versions), timeoutMs: deps.scriptTimeoutMs, interactive: deps.interactive, signal: deps.signal });
  faultPoint(deps, 'after-install-script');
  checkInterrupted(deps);
  const record: InstalledApp = { id, name: app.name, version: app.version, tag: app.tag, imageId: app.imageId, repoId: app.repoId, family: app.family, multiversion: app.multiversion, installedAt: new Date().toISOString() };
  if (replaces) record.previous = { version: replaces.version, tag: replaces.tag, imageId: replaces.imageId };
  const apps = [...base.apps.filter((a) => a.id !== replaces?.id), record];
  await journal.committing();
  faultPoint(deps, 'before-commit');
  await tx.write({ ...base, apps, nextAppId: id + 1, lastOperation: journal.journal.id });
  faultPoint(deps, 'after-commit');
  return record;
}

export async function install(deps: LifecycleDeps, text: string): Promise<InstallResult> {
  return deps.store.transaction(`install ${text}`, async (tx) => {
    await recoverPending(deps, tx);
    const journal = await deps.journals.begin('install', `install ${text}`);
    return journaled(deps, tx, journal, async () => {
      faultPoint(deps, 'after-begin');
      const app = await acquire(deps, journal, tx.state, text);
      checkInstallable(app.state, app);
      await checkScripts(deps, app);
      const addedTags = await addServerTags(deps, journal, app);
      const addedRepo = app.state.repos.length > tx.state.repos.length ? app.state.repos[app.state.repos.length - 1]?.name : undefined;
      const record = await installApp(deps, tx, journal, app, app.state, 'install');
      await journal.close();
      const result: InstallResult = { app: record, source: app.source, addedTags };
      if (addedRepo) result.addedRepo = addedRepo;
      return result;
    });
  });
}
