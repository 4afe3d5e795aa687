// A registry client for a repo, with the repo's stored credentials (which repo: core/repo-resolution.ts).
import type { ImageRef } from '../core/ref.js';
import type { Registry } from '../core/ports/registry.js';
import type { Repo } from '../core/state.js';
import { pathInRepo } from '../core/repo-resolution.js';
import type { Context } from '../cli/context.js';

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
  return { registry, path: pathInRepo(repo, ref.path), close: () => registries.close() };
}
