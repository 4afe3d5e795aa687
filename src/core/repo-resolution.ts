// Which configured repository an image reference belongs to, and what the user's argument names: the one
// rule install, upgrade, info, export, save and push follow. Pure.
import { OFFICIAL_REPO_ID, UNKNOWN_REPO_ID, type Repo, type State } from './state.js';
import { addRepo } from './repos.js';
import type { ImageRef } from './ref.js';

export interface RepoMatch {
  repo: Repo;
  /** The repository path relative to the repo's server: `web` for `host/team/web` in a repo `host/team`. */
  path: string;
}

const HUB_REGISTRIES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** A repo's server split into its host and the namespace (`team`) a server with a path stands for. */
function splitServer(server: string): { host: string; namespace: string } {
  const bare = server.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
  const slash = bare.indexOf('/');
  return slash < 0
    ? { host: bare.toLowerCase(), namespace: '' }
    : { host: bare.slice(0, slash).toLowerCase(), namespace: bare.slice(slash + 1) };
}

/** A path relative to the repo: a server with a path (`host/team`) stands for that namespace. */
export function pathInRepo(repo: Repo, path: string): string {
  const { namespace } = splitServer(repo.server);
  return repo.id !== OFFICIAL_REPO_ID && namespace !== '' && path.startsWith(`${namespace}/`)
    ? path.slice(namespace.length + 1)
    : path;
}

/**
 * The configured repo whose server holds the reference: same host, and the reference's path inside the
 * server's namespace when the server has one (the longest namespace wins). Docker Hub for a reference
 * without a registry. Undefined when no repo matches.
 */
export function configuredRepoFor(state: State, ref: ImageRef): RepoMatch | undefined {
  if (ref.registry === undefined || HUB_REGISTRIES.has(ref.registry.toLowerCase())) {
    const hub = state.repos.find((r) => r.id === OFFICIAL_REPO_ID);
    return hub ? { repo: hub, path: ref.path } : undefined;
  }
  const host = ref.registry.toLowerCase();
  let best: (RepoMatch & { namespace: string }) | undefined;
  for (const repo of state.repos) {
    if (repo.id === OFFICIAL_REPO_ID) continue;
    const server = splitServer(repo.server);
    if (server.host !== host) continue;
    const inside = server.namespace === '' || ref.path.startsWith(`${server.namespace}/`);
    if (!inside || (best && best.namespace.length >= server.namespace.length)) continue;
    best = { repo, path: pathInRepo(repo, ref.path), namespace: server.namespace };
  }
  return best ? { repo: best.repo, path: best.path } : undefined;
}

/** For reading only (info, export): the matching repo, else an unsaved one for the registry (HTTP allowed on loopback). */
export function repoForReading(state: State, ref: ImageRef): RepoMatch {
  const known = configuredRepoFor(state, ref);
  if (known) return known;
  const host = ref.registry ?? '';
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(host);
  return {
    repo: { id: UNKNOWN_REPO_ID, name: host, server: host, isDefault: false, insecure: loopback },
    path: ref.path,
  };
}

/** For install and upgrade: the matching repo, else DAM 1.x's `auto<N>` repo for the registry, added to the state. */
export function repoForInstall(state: State, ref: ImageRef): RepoMatch & { state: State; added: boolean } {
  const known = configuredRepoFor(state, ref);
  if (known) return { ...known, state, added: false };
  if (ref.registry === undefined) throw new Error('state invariant broken: no official repo');
  let n = 0;
  while (state.repos.some((r) => r.name === `auto${n}`)) n++;
  const out = addRepo(state, { name: `auto${n}`, server: ref.registry });
  return { repo: out.repo, path: ref.path, state: out.state, added: true };
}

/** What a command's argument names. */
export type ArgumentKind = 'file' | 'missing-file' | 'reference' | 'bare-name';

/** A path (`./x`, `../x`, `/x`, `~/x`) or an archive's or bundle's file name, which no app reference looks like. */
export function looksLikeFile(text: string): boolean {
  return /^(\.{1,2}\/|\/|~)/.test(text) || /\.(bundle|dam|tar|tgz|gz|zst|xz|sig)$/i.test(text);
}

/** What the caller found at `text` taken as a path: a regular file, something else, or nothing. */
export type PathFound = 'regular' | 'other' | undefined;

/**
 * Whether `text` names a file, a file that is missing (it looks like one), an app reference, or a bare app
 * name without a version. A regular file there always wins (DAM 1.x installs `dam install myapp` from a
 * file `myapp`); a folder or FIFO counts only when the text has a `/` or a `.`, for the caller to refuse by
 * what it is, so a folder `web` does not hide the app `web`.
 */
export function classifyArgument(text: string, found: PathFound): ArgumentKind {
  if (found === 'regular' || (found === 'other' && /[/.]/.test(text))) return 'file';
  if (looksLikeFile(text)) return 'missing-file';
  if (!text.includes(':') && !text.includes('/')) return 'bare-name';
  return 'reference';
}
