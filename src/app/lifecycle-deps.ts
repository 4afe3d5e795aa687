// What the lifecycle use cases (install, upgrade, remove, recover, import) need, wired in src/cli.
import type { Engine } from '../core/ports/engine.js';
import type { Store } from '../core/ports/store.js';
import type { Archives, HostDirs, Journals, MetaCopier, Scripts } from '../core/ports/host.js';
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
  /** Where installed apps' meta copies live: `<appsDir>/<app id>/meta`. */
  appsDir: string;
  scriptTimeoutMs?: number;
  interactive?: boolean;
  /** Never touch the network: images must be local or in the archive. */
  offline?: boolean;
  /** The host's signature check for archives; absent, archives are not checked. */
  trust?: ArchiveTrust;
  /** Test hook: the name of a step at which to SIGKILL this process (DAM_FAULT_KILL_AT). */
  faultKillAt?: string;
}

/** Fault injection for the crash tests: dies at the named step, exactly as a power cut would. */
export function faultPoint(deps: LifecycleDeps, step: string): void {
  if (deps.faultKillAt === step) process.kill(process.pid, 'SIGKILL');
}

export function checkInterrupted(deps: LifecycleDeps): void {
  if (deps.signal.aborted) throw deps.signal.reason;
}
