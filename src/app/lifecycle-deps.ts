// What the lifecycle use cases (install, upgrade, remove, recover, import) need, wired in src/cli.
import type { Engine } from '../core/ports/engine.js';
import type { Store } from '../core/ports/store.js';
import type { AppFolders, Archives, FaultPoints, HostDirs, Journals, MetaCopier, Scripts } from '../core/ports/host.js';
import type { ProgressListener, RegistryAuth } from '../core/ports/engine.js';
import type { Repo } from '../core/state.js';
import type { ArchiveTrust } from '../core/ports/signing.js';
import type { AppLookup } from './missing-app.js';

export interface Reporter {
  info(message: string): void;
  warn(message: string): void;
  success(message: string): void;
  /** Shows progress through a large file read while `work` runs (bytes of its size, rate, time left). */
  whileReading?<T>(label: string, path: string, work: () => Promise<T>): Promise<T>;
}

export interface LifecycleDeps {
  engine: Engine;
  store: Store;
  journals: Journals;
  scripts: Scripts;
  meta: MetaCopier;
  archives: Archives;
  /** Credentials for pulling from a repo: its own, else the engine user's ~/.docker/config.json. */
  registryAuth(repo: Repo): Promise<RegistryAuth | undefined>;
  /** The tags a repo has for an app path (`web`, `team/web`), in the registry's order. */
  listTags(repo: Repo, path: string): Promise<string[]>;
  /** Whether a repo has path:tag (else its tags for path and its app names), asked before a pull. Throws when the repo cannot be asked. */
  lookupApp?(repo: Repo, path: string, tag: string): Promise<AppLookup>;
  dirs: HostDirs;
  report: Reporter;
  /** A progress display for one pull or load; `done` ends it. */
  progress(): { listener: ProgressListener; done(): void };
  signal: AbortSignal;
  /** Where installed apps' folders and meta copies live. */
  appFolders: AppFolders;
  scriptTimeoutMs?: number;
  interactive?: boolean;
  /** Never touch the network: images must be local or in the archive. */
  offline?: boolean;
  /** The host's signature check for archives; absent, archives are not checked. */
  trust?: ArchiveTrust;
  /** Fault injection for the crash tests; absent, nothing happens at the named steps. */
  faults?: FaultPoints;
}

/** Marks a named step of a transaction, where the crash tests may stop the process. */
export function faultPoint(deps: LifecycleDeps, step: string): void {
  deps.faults?.reached(step);
}

export function checkInterrupted(deps: LifecycleDeps): void {
  if (deps.signal.aborted) throw deps.signal.reason;
}
