// Everything a command needs from the outside world, as ports. Built once per run by the composition root
// (./root.ts), which creates each adapter on first use, so a command that does not touch the engine never
// loads its client.
import type { Readable } from 'node:stream';
import type { StateDirectory, Store } from '../core/ports/store.js';
import type { Engine, MetaScanner, RegistryAuth } from '../core/ports/engine.js';
import type { Repo } from '../core/state.js';
import type { Registries } from '../core/ports/registry.js';
import type { ArchiveFacts, Keyring, TrustStore } from '../core/ports/signing.js';
import type { Archives, InputFiles, OutputFiles } from '../core/ports/host.js';
import type { BundlePushing } from '../core/ports/bundle.js';
import type { BundleWriter } from '../core/ports/bundle-write.js';
import type { HistoryLog } from '../core/ports/history.js';
import type { LintSubjects, Projects } from '../core/ports/project.js';
import type { LifecycleDeps } from '../app/lifecycle-deps.js';
import type { ImportDeps } from '../app/import.js';
import type { LegacyFilesPort } from '../app/migrate.js';
import type { Logger, Style } from './log.js';

export interface ContextInit {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The state directory, handed to its owner (src/adapters/store/state-dir.ts) and to nobody else. */
  home: string;
  json: boolean;
  color: boolean;
  style: Style;
  log: Logger;
  stdin: Readable & { isTTY?: boolean };
  /** Aborted on Ctrl-C: long operations stop at the next safe point. */
  signal: AbortSignal;
}

/** Without `home`: the state directory is reached through `stateDir()`, which alone knows its layout. */
export interface Context extends Omit<ContextInit, 'home'> {
  /** The state directory's owner: the store, journals, keys, trust policy, history and app folders. */
  stateDir(): StateDirectory;
  store(): Store;
  /** The Docker engine client, loaded on first use (DOCKER_HOST honoured, API version negotiated). */
  engine(): Promise<Engine>;
  /** Registry clients, loaded on first use; they share connections and tokens. The caller closes them. */
  registries(): Promise<Registries>;
  /** The ports of the app lifecycle use cases (install, upgrade, remove, recover), bent by the command's flags. */
  lifecycle(flags?: LifecycleFlags): Promise<LifecycleDeps>;
  /** The lifecycle ports plus the bundle reader and engine checks that `dam import` needs. */
  importer(flags?: LifecycleFlags): Promise<ImportDeps>;
  /** Loading and saving archive files (.dam) through the engine, with progress on stderr. */
  archives(): Promise<Archives>;
  /** Writing files where the user says. */
  outputs(): Promise<OutputFiles>;
  /** Every local image's layers (diff ids, bottom first), for `dam inventory`. */
  engineLayers(): Promise<string[][]>;
  /** Credentials for pulling from or pushing to a repo: its own, else the engine user's ~/.docker/config.json. */
  registryAuth(repo: Repo): Promise<RegistryAuth | undefined>;
  /** The operations log of the state directory. */
  history(): Promise<HistoryLog>;
  /** A sampler of how far this process has read `path` (for progress meters); undefined when unknown. */
  filePosition(path: string): () => number | undefined;
  /** App project folders: read, packed into a build context, written by `dam init`. */
  projects(): Promise<Projects>;
  /** What `dam lint` reads of a project, an archive or a local image. */
  lintSubjects(): Promise<LintSubjects>;
  /** sha256 of every file under `dir` by relative path (`link:TARGET` for links); undefined when `dir` is missing. */
  metaDigests(dir: string): Promise<Record<string, string> | undefined>;
  /** What `dam migrate` takes over: the 1.x database's files (default folder from the environment), and a store that does not tell to run dam migrate. */
  migration(): Promise<{ store: Store; legacy: LegacyFilesPort; defaultDir: string }>;
  /** Writing bundles, DAM 1.x export archives and self-contained products (`dam export`). */
  bundleWriter(): Promise<BundleWriter>;
  /** Format 2 bundles pushed into a registry (`dam push --bundle`). */
  bundlePushing(): Promise<BundlePushing>;
  /** What `dam info FILE` reads of a bundle or archive: kind, signed subject, signature, index. */
  archiveFacts(): Promise<ArchiveFacts>;
  /** Files named on the command line: what is there, and whether it is a regular file. */
  inputFiles(): Promise<InputFiles>;
  /** Reads a tar stream for what it holds of /meta (`dam info` of an image). */
  metaScanner(): Promise<MetaScanner>;
  keyring(): Promise<Keyring>;
  trustStore(): Promise<TrustStore>;
}

/** The flags of the lifecycle commands that reach the ports (as the options parse them). */
export interface LifecycleFlags {
  timeout?: string;
  interactive?: boolean;
  offline?: boolean;
  insecureAllowUnsigned?: boolean;
  allowDowngrade?: boolean;
  signature?: string;
}
