// The state DAM keeps about a host: configured repos and installed apps. Plain data, versioned on disk
// (see docs/formats.md). Secrets are not here: they live in credentials.json (see Credentials).

export const STATE_FORMAT = 1;
export const OFFICIAL_REPO_ID = 1;
export const UNKNOWN_REPO_ID = 0;
export const OFFICIAL_REPO_NAME = 'official';
/** The server DAM 1.x shows for Docker Hub; image references for it carry no registry prefix. */
export const OFFICIAL_SERVER = 'https://registry-1.docker.io/';

export interface Repo {
  id: number;
  name: string;
  /** `host[:port][/path]` without a scheme; for Docker Hub, OFFICIAL_SERVER. */
  server: string;
  isDefault: boolean;
  username?: string;
  /** Allow plain HTTP and unverified TLS for this registry. */
  insecure?: boolean;
  /** A PEM file with the registry's CA, in addition to /etc/docker/certs.d. */
  caFile?: string;
}

export interface InstalledApp {
  id: number;
  name: string;
  version: string;
  /** The reference the image was installed under, e.g. `localhost:5000/web:1.0`. */
  tag: string;
  /** `sha256:...` image id, or the 12-hex short id for apps imported from DAM 1.x. */
  imageId: string;
  repoId: number;
  family: string;
  multiversion: boolean;
  /** ISO 8601; empty for apps imported from DAM 1.x, whose install time is unknown. */
  installedAt: string;
  /** The version an upgrade replaced, whose image `dam purge` keeps so that a rollback stays possible. */
  previous?: { version: string; tag: string; imageId: string };
  /**
   * The user's DAM_* settings the install script saw (e.g. DAM_BIN_DIR), given again to its uninstall so that
   * it finds what install made. Absent for apps installed before DAM recorded them.
   */
  scriptEnv?: Record<string, string>;
  /** sha256 (hex) of each file of the kept /meta copy, by relative path, `link:TARGET` for links; set at install. */
  metaDigests?: Record<string, string>;
  /** The named product whose import installed the app; absent for apps installed by hand or from an unnamed list. */
  product?: string;
}

/** An image this state directory brought onto the engine: pulled, loaded from an archive or bundle, or built. */
export interface AcquiredImage {
  imageId: string;
  /** The operation that brought it: install, upgrade, import or create. */
  by: string;
  /** ISO 8601. */
  at: string;
}

export interface State {
  format: typeof STATE_FORMAT;
  repos: Repo[];
  apps: InstalledApp[];
  nextRepoId: number;
  nextAppId: number;
  /** The journal id of the last operation committed to this state (see core/journal.ts). */
  lastOperation?: string;
  /**
   * The images this state directory acquired, the only ones `dam purge` may remove. Absent in states written
   * before DAM recorded them: their images are never purged (see docs/formats.md).
   */
  acquired?: AcquiredImage[];
}

export interface Credentials {
  format: 1;
  /** Passwords by repo id. */
  passwords: Record<string, string>;
}

export function initialState(): State {
  return {
    format: STATE_FORMAT,
    repos: [{ id: OFFICIAL_REPO_ID, name: OFFICIAL_REPO_NAME, server: OFFICIAL_SERVER, isDefault: true }],
    apps: [],
    nextRepoId: 2,
    nextAppId: 0,
  };
}

export function emptyCredentials(): Credentials {
  return { format: 1, passwords: {} };
}

export function defaultRepo(state: State): Repo {
  const repo = state.repos.find((r) => r.isDefault) ?? state.repos.find((r) => r.id === OFFICIAL_REPO_ID);
  if (!repo) throw new Error('state invariant broken: no official repo');
  return repo;
}

/** The prefix DAM puts before `name:version`: empty for Docker Hub, `server/` otherwise. */
export function repoPrefix(repo: Repo): string {
  return repo.id === OFFICIAL_REPO_ID ? '' : `${repo.server}/`;
}
