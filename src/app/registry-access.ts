// A registry client for a repo, with the repo's stored credentials (which repo: core/repo-resolution.ts).
import type { ImageRef } from '../core/ref.js';
import type { Registries, Registry } from '../core/ports/registry.js';
import type { Store } from '../core/ports/store.js';
import type { Repo } from '../core/state.js';
import { pathInRepo } from '../core/repo-resolution.js';

/** The ports a registry client needs: the clients, the stored passwords, and the run's abort signal. */
export interface RegistryPorts {
  registries(): Promise<Registries>;
  store(): Store;
  signal: AbortSignal;
}

export interface RegistryHandle {
  registry: Registry;
  /** The repository path relative to the repo's server. */
  path: string;
  close(): Promise<void>;
}

export async function registryFor(ports: RegistryPorts, repo: Repo, ref: ImageRef): Promise<RegistryHandle> {
  const registries = await ports.registries();
  const password = (await ports.store().readCredentials()).passwords[String(repo.id)];
  const registry = registries.registry({ repo, ...(password !== undefined ? { password } : {}), signal: ports.signal });
  return { registry, path: pathInRepo(repo, ref.path), close: () => registries.close() };
}
