// `dam install`: check everything, then change the host as one journaled transaction. A refused or failed
// install leaves the engine's tags, the host and DAM's state as they were. Installing what is installed is
// not an error (as with apt): it is decided before any archive is read or image pulled, and --reinstall
// runs the uninstall and install scripts again.
import { basename, resolve } from 'node:path';
import { checkInstallable } from '../core/install-rules.js';
import { findAlreadyInstalled, type DecidedFrom } from '../core/already-installed.js';
import type { InstalledApp, State } from '../core/state.js';
import type { SignatureNote } from '../core/journal.js';
import { acquire, addServerTags, checkScripts, type AcquiredApp } from './acquire.js';
import { faultPoint, type LifecycleDeps } from './lifecycle-deps.js';
import { recoverPending } from './recover.js';
import { commit, installStep, journaled, setAsideStep, uninstallStep } from './steps.js';
import { rememberAccepted } from './signatures.js';

export interface InstallResult {
  app: InstalledApp;
  source: AcquiredApp['source'] | 'installed';
  addedTags: string[];
  addedRepo?: string;
  /** Set when nothing was done because the app is installed, saying how DAM knew. */
  alreadyInstalled?: DecidedFrom;
  /** The installed app that --reinstall replaced. */
  reinstalled?: InstalledApp;
  /** How the archive was admitted by the trust policy (from the journal, which is deleted at commit). */
  signatures?: SignatureNote[];
}

export interface InstallOptions {
  reinstall?: boolean;
}

/** Thrown from the archive check when the manifest names an installed app; caught below, after the rollback. */
class Installed extends Error {
  constructor(readonly app: InstalledApp) {
    super(`${app.name}:${app.version} is installed`);
  }
}

/** What `text` names, when it is already installed: from the state or a `.dam` file name, reading nothing. */
export async function alreadyInstalled(deps: LifecycleDeps, state: State, text: string) {
  const isFile = await deps.dirs.isFile(resolve(text));
  return findAlreadyInstalled(state, text, isFile ? basename(text) : undefined);
}

export async function install(deps: LifecycleDeps, text: string, options: InstallOptions = {}): Promise<InstallResult> {
  return deps.store.transaction(`install ${text}`, async (tx) => {
    await recoverPending(deps, tx);
    const known = await alreadyInstalled(deps, tx.state, text);
    if (known && !options.reinstall)
      return { app: known.app, source: 'installed', addedTags: [], alreadyInstalled: known.decidedFrom };
    const journal = await deps.journals.begin('install', `install ${text}`);
    try {
      return await journaled(deps, tx, journal, async () => {
        faultPoint(deps, 'after-begin');
        let replacing: InstalledApp | undefined;
        const app = await acquire(deps, journal, tx.state, text, async (candidate) => {
          replacing = tx.state.apps.find((a) => a.name === candidate.name && a.version === candidate.version);
          if (replacing && !options.reinstall) throw new Installed(replacing);
          checkInstallable(candidate.state, candidate, replacing);
          await checkScripts(deps, candidate);
        });
        const addedTags = await addServerTags(deps, journal, app);
        const base = app.state;
        const addedRepo =
          base.repos.length > tx.state.repos.length ? base.repos[base.repos.length - 1]?.name : undefined;
        const old = replacing;
        if (old) {
          await uninstallStep(deps, journal, old, 'remove');
          await setAsideStep(deps, journal, old);
        }
        const record = await installStep(deps, journal, app, base.nextAppId, 'install');
        if (old?.previous) record.previous = old.previous;
        await commit(deps, tx, journal, {
          ...base,
          apps: [...base.apps.filter((a) => a.id !== old?.id), record],
          nextAppId: record.id + 1,
        });
        await rememberAccepted(deps, app.admission);
        const result: InstallResult = { app: record, source: app.source, addedTags };
        if (addedRepo) result.addedRepo = addedRepo;
        if (old) result.reinstalled = old;
        if (journal.journal.signatures) result.signatures = journal.journal.signatures;
        return result;
      });
    } catch (err) {
      if (!(err instanceof Installed)) throw err;
      return { app: err.app, source: 'installed', addedTags: [], alreadyInstalled: 'archive-manifest' };
    }
  });
}
