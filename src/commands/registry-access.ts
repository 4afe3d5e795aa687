// Which configured repository an image reference points at, and a registry client for it with the repo's
// stored credentials.
import type { ImageRef } from '../core/ref.js';
import type { Registry } from '../core/ports/registry.js';
import { OFFICIAL_REPO_ID, UNKNOWN_REPO_ID, type Repo, type State } from '../core/state.js';
import type { Context } from '../cli/context.js';

const hostOf = (server: string) => server.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');

/** The repo whose server is the reference's registry; Docker Hub when it has none; else an ad-hoc one. */
export function repoForRef(state: State, ref: ImageRef): Repo {
  if (ref.registry === undefined) {
    const hub = state.repos.find((r) => r.id === OFFICIAL_REPO_ID);
    if (hub) return hub;
  }
  const host = ref.registry ?? '';
  const full = `${host}/${ref.path}`;
  const repo = state.repos.filter((r) => r.id !== OFFICIAL_REPO_ID).find((r) => hostOf(r.server) === host || full.startsWith(`${hostOf(r.server)}/`));
  if (repo) return repo;
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(host);
  return { id: UNKNOWN_REPO_ID, name: host, server: host, isDefault: false, insecure: loopback };
}

export interface RegistryHandle {
  registry: Registry;
  /** The repository path relative to the repo's server. */
  path: string;
  close(): Promise<void>;
}

export async function registryFor(ctx: Context, repo: Repo, ref: ImageRef): Promise<RegistryHandle> {
  const registries = await ctx.registries();
  const password = (await ctx.store().readCredentials()).passwords[String(repo.id)];
  const registry = registries.registry({ repo, ...(password !== undefined ? { password } : {}), signal: ctx.signal });
  // A repo whose server has a path (`host/team`) stands for that namespace; names are relative to it.
  const server = hostOf(repo.server);
  const namespace = repo.id === OFFICIAL_REPO_ID || !server.includes('/') ? '' : `${server.slice(server.indexOf('/') + 1)}/`;
  const path = namespace && ref.path.startsWith(namespace) ? ref.path.slice(namespace.length) : ref.path;
  return { registry, path, close: () => registries.close() };
}
