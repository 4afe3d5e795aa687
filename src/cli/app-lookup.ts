// Wires LifecycleDeps.lookupApp: asks a repo whether it has an app version, and what it has instead.
import { isDamError } from '../core/errors.js';
import { OFFICIAL_REPO_ID, type Repo } from '../core/state.js';
import type { AppLookup } from '../app/missing-app.js';
import type { Context } from './context.js';
import type { Registries } from '../core/ports/registry.js';

/** A lookup is a courtesy before a pull: it must not make an unreachable repo slower to report than the pull. */
const LOOKUP_TIMEOUT_MS = 10_000;
const NAMES_LIMIT = 1000;

export function appLookup(ctx: Context, passwords: Record<string, string>, openRegistries: () => Promise<Registries>) {
  return async (repo: Repo, path: string, tag: string): Promise<AppLookup> => {
    const registries = await openRegistries();
    const access = { repo, password: passwords[String(repo.id)], signal: ctx.signal, timeoutMs: LOOKUP_TIMEOUT_MS };
    const missing = (err: unknown) => {
      if (isDamError(err, 'NOT_FOUND')) return undefined;
      throw err;
    };
    try {
      const registry = registries.registry(access);
      if (await registry.getManifest(path, tag).catch(missing)) return { found: true };
      const tags = (await registry.tags(path).catch(missing)) ?? [];
      if (tags.includes(tag)) return { found: true }; // there, but not for this platform: the engine says so
      // Docker Hub has no catalog to list; a registry's may be refused, which only costs the suggestions.
      const names =
        tags.length > 0 || repo.id === OFFICIAL_REPO_ID
          ? []
          : await registries
              .catalog(access)
              .findApps(undefined, NAMES_LIMIT)
              .catch(() => []);
      return { found: false, tags, names };
    } finally {
      await registries.close();
    }
  };
}
