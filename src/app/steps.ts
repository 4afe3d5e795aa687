// The journaled steps that install, upgrade, remove and import are made of. Each records its effect in the
// journal before making it, so that `rollback` can undo it and recovery can finish or undo it after a crash.
import { join } from 'node:path';
import { DamError } from '../core/errors.js';
import { wasCommitted, type Effect } from '../core/journal.js';
import type { InstalledApp, State } from '../core/state.js';
import type { StoreTransaction } from '../core/ports/store.js';
import type { ActiveJournal } from '../core/ports/host.js';
import { instanceName, type ScriptAction } from '../core/script-env.js';
import { recordAcquired } from '../core/purge-plan.js';
import type { AcquiredApp } from './acquire.js';
import { checkInterrupted, faultPoint, type LifecycleDeps } from './lifecycle-deps.js';
import { rollback, scriptApp } from './rollback.js';
import { ensureMeta } from './meta.js';

export interface Versions {
  oldVersion?: string;
  newVersion?: string;
}

export function appDirOf(deps: LifecycleDeps, appId: number): string {
  return deps.appFolders.dir(appId);
}

export function metaDirOf(deps: LifecycleDeps, appId: number): string {
  return deps.appFolders.meta(appId);
}

/**
 * Journals a load before it happens: whether each image was already there, and the image each of the tags
 * the load will set pointed at, so that rollback removes or restores exactly those.
 */
export async function intendLoad(
  deps: Pick<LifecycleDeps, 'engine'>,
  journal: ActiveJournal,
  images: ReadonlyArray<{ imageId: string; tags: readonly string[] }>,
): Promise<void> {
  // What the engine has now, asked all at once, then every intent in one durable write.
  const refs = [...new Set(images.flatMap((i) => [i.imageId, ...i.tags]))];
  const found = await Promise.all(refs.map((ref) => deps.engine.inspectImage(ref)));
  const now = new Map(refs.map((ref, i) => [ref, found[i]]));
  await journal.intendAll(
    images.flatMap(({ imageId, tags }): Effect[] => [
      { kind: 'image', imageId, existedBefore: now.get(imageId) !== undefined },
      ...tags.map((tag): Effect => ({ kind: 'tag', ref: tag, target: imageId, previous: now.get(tag)?.id ?? null })),
    ]),
  );
}

/** Runs `fn` in a journal; on any failure rolls back, then rethrows with what the rollback could not undo. */
export async function journaled<T>(
  deps: LifecycleDeps,
  tx: StoreTransaction,
  journal: ActiveJournal,
  fn: () => Promise<T>,
): Promise<T> {
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

/** The state's record of an acquired app, installed as `id` at `installedAt`. */
export function installedRecord(app: AcquiredApp, id: number, installedAt: string): InstalledApp {
  return {
    id,
    name: app.name,
    version: app.version,
    tag: app.tag,
    imageId: app.imageId,
    repoId: app.repoId,
    family: app.family,
    multiversion: app.multiversion,
    installedAt,
  };
}

/** Places the staged meta as app `id` and runs its install script. Returns the record to commit. */
export async function installStep(
  deps: LifecycleDeps,
  journal: ActiveJournal,
  app: AcquiredApp,
  id: number,
  action: ScriptAction,
  versions: Versions = {},
  replaces?: InstalledApp,
): Promise<InstalledApp> {
  const metaDir = metaDirOf(deps, id);
  await journal.intend({ kind: 'dir', path: appDirOf(deps, id) });
  await deps.dirs.move(app.stagedMeta, metaDir);
  faultPoint(deps, 'before-install-script');
  checkInterrupted(deps);
  // Recorded so that the uninstall, and a rollback, see what this install saw (docs/script-contract.md).
  const settings = { ...deps.scripts.settings(), DAM_INSTANCE: instanceName(app.name, metaDir) };
  const target = { name: app.name, version: app.version, tag: app.tag, family: app.family, metaDir, settings };
  await journal.intend({ kind: 'script', script: 'install', action, app: target, ...versions });
  deps.report.info(`Running the install script of ${app.name}:${app.version}`);
  await deps.scripts.run({
    script: 'install',
    metaDir,
    app: scriptApp(target, action, versions),
    settings,
    timeoutMs: deps.scriptTimeoutMs,
    interactive: deps.interactive,
    signal: deps.signal,
  });
  faultPoint(deps, 'after-install-script');
  checkInterrupted(deps);
  const record = installedRecord(app, id, new Date().toISOString());
  if (replaces) record.previous = { version: replaces.version, tag: replaces.tag, imageId: replaces.imageId };
  record.scriptEnv = settings;
  record.metaDigests = await deps.meta.digests(metaDir);
  return record;
}

/** Runs an installed app's uninstall script (from its kept meta), journaled so rollback reinstalls it. */
export async function uninstallStep(
  deps: LifecycleDeps,
  journal: ActiveJournal,
  app: InstalledApp,
  action: ScriptAction,
  versions: Versions = {},
): Promise<void> {
  const metaDir = await ensureMeta(deps, app, metaDirOf(deps, app.id));
  const target = {
    name: app.name,
    version: app.version,
    tag: app.tag,
    family: app.family,
    metaDir,
    ...(app.scriptEnv ? { settings: app.scriptEnv } : {}),
  };
  faultPoint(deps, action === 'upgrade' ? 'before-old-uninstall' : 'before-uninstall-script');
  checkInterrupted(deps);
  await journal.intend({ kind: 'script', script: 'uninstall', action, app: target, ...versions });
  deps.report.info(`Running the uninstall script of ${app.name}:${app.version}`);
  await deps.scripts.run({
    script: 'uninstall',
    metaDir,
    app: scriptApp(target, action, versions),
    settings: app.scriptEnv,
    timeoutMs: deps.scriptTimeoutMs,
    interactive: deps.interactive,
    signal: deps.signal,
  });
  faultPoint(deps, action === 'upgrade' ? 'after-old-uninstall' : 'after-uninstall-script');
}

/** Moves an app's directory into the journal's work dir: deleted with the journal at commit, moved back by rollback. */
export async function setAsideStep(deps: LifecycleDeps, journal: ActiveJournal, app: InstalledApp): Promise<void> {
  const dir = appDirOf(deps, app.id);
  if (!(await deps.dirs.exists(dir))) return;
  const aside = join(journal.workDir, `app-${app.id}`);
  await journal.intend({ kind: 'moved-dir', from: dir, to: aside });
  await deps.dirs.move(dir, aside);
}

/**
 * Writes the new state as this journal's commit point, then closes the journal. The images the operation
 * brought onto the engine (journaled as not there before) are recorded as acquired, for `dam purge`.
 */
export async function commit(
  deps: LifecycleDeps,
  tx: StoreTransaction,
  journal: ActiveJournal,
  next: State,
): Promise<void> {
  await journal.committing();
  faultPoint(deps, 'before-commit');
  const brought = journal.journal.entries.flatMap((e) =>
    e.effect.kind === 'image' && !e.effect.existedBefore ? [e.effect.imageId] : [],
  );
  await tx.write({
    ...recordAcquired(next, brought, journal.journal.operation, new Date().toISOString()),
    lastOperation: journal.journal.id,
  });
  faultPoint(deps, 'after-commit');
  await journal.close();
}
