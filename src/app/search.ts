// The search use case: candidate names from a repo's catalog, filtered by the mask, sorted, cut to the
// limit, then their tags fetched with bounded concurrency and ordered newest first.
import { isDamError } from '../core/errors.js';
import type { AppCatalog } from '../core/ports/registry.js';
import { compareNames, maskMatcher, sortTags } from '../core/search.js';

export interface SearchHit {
  /** The repo's name, as `dam listrepos` shows it. */
  repo: string;
  name: string;
  /** Real tag strings, newest version first, other tags after. */
  tags: string[];
}

export interface SearchOptions {
  repo: string;
  mask?: string;
  limit?: number;
  /** How many tag lists are fetched at once. */
  concurrency: number;
}

/** Runs `fn` over `items`, at most `limit` at a time, keeping order; stops starting new ones after a failure. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

export async function searchCatalog(catalog: AppCatalog, options: SearchOptions): Promise<SearchHit[]> {
  const matches = maskMatcher(options.mask);
  const candidates = await catalog.findApps(options.mask, options.limit);
  const names = [...new Set(candidates.filter(matches))].sort(compareNames).slice(0, options.limit ?? Infinity);
  return mapLimit(names, options.concurrency, async (name) => {
    try {
      return { repo: options.repo, name, tags: sortTags(await catalog.listTags(name)) };
    } catch (err) {
      // Listed by the catalog but deleted since (or never tagged): an app without tags, not a failure.
      if (isDamError(err, 'NOT_FOUND')) return { repo: options.repo, name, tags: [] };
      throw err;
    }
  });
}
