// Before asking the engine to pull an app that is not local: does its repo have it? A typo (`wbe:1.0`) is
// then reported as such, with the close names from the local images and the repo, instead of the engine's
// pull error (a DNS failure on an offline host). When the repo cannot be asked, the pull goes ahead unless
// a local image is a likely match.
import { DamError, isDamError } from '../core/errors.js';
import { appNameOf, formatRef, type ImageRef } from '../core/ref.js';
import type { RepoMatch } from '../core/repo-resolution.js';
import { closeNames } from '../core/suggest.js';
import type { LifecycleDeps } from './lifecycle-deps.js';

export type AppLookup = { found: true } | { found: false; tags: string[]; names: string[] };

async function localApps(deps: LifecycleDeps): Promise<Map<string, string>> {
  const byName = new Map<string, string>();
  for (const image of await deps.engine.listImages({ labels: ['DAM_APP_FAMILY'] })) {
    for (const tag of image.repoTags) if (!tag.endsWith(':<none>')) byName.set(nameOfTag(tag), tag);
  }
  return byName;
}

/** The app name of a local tag: its last path segment, without the tag. */
function nameOfTag(tag: string): string {
  const last = tag.slice(tag.lastIndexOf('/') + 1);
  return last.includes(':') ? last.slice(0, last.indexOf(':')) : last;
}

/** `match` is the reference's repo and its path there (core/repo-resolution.ts). */
export async function checkPullable(
  deps: LifecycleDeps,
  { repo, path }: RepoMatch,
  ref: ImageRef,
  text: string,
): Promise<void> {
  if (!deps.lookupApp) return;
  const tag = formatRef(ref);
  const name = appNameOf(ref);
  let lookup: AppLookup | undefined;
  let unreachable: DamError | undefined;
  try {
    lookup = await deps.lookupApp(repo, path, ref.tag);
  } catch (err) {
    if (!(err instanceof DamError) || isDamError(err, 'INTERRUPTED')) throw err;
    unreachable = err;
  }
  if (lookup?.found) return;
  const local = await localApps(deps);
  const nearLocal = closeNames(name, local.keys()).map((n) => local.get(n) ?? n);
  if (lookup && lookup.tags.length > 0) {
    throw new DamError(
      'NOT_FOUND',
      `Repository '${repo.name}' has the app '${name}' but not the version '${ref.tag}' (for ${text}).`,
      `Versions there: ${lookup.tags.slice(0, 10).join(', ')}${lookup.tags.length > 10 ? ', ...' : ''}. dam search ${name} lists them all.`,
    );
  }
  const near = [...nearLocal, ...closeNames(name, lookup?.names ?? []).map((n) => `${n} (in '${repo.name}')`)];
  if (!lookup && nearLocal.length === 0) return; // The repo could not be asked: the engine may still reach it.
  const where = lookup
    ? `nor in repository '${repo.name}'`
    : `and repository '${repo.name}' cannot be asked (${unreachable?.message ?? ''})`;
  throw new DamError(
    'NOT_FOUND',
    `The app '${text}' (${tag}) is not in the local Docker cache, ${where}.`,
    near.length > 0
      ? `Did you mean: ${near.join(', ')}?`
      : `Check the name; dam search ${name.length >= 2 ? name.slice(0, 2) : name} lists what the repository holds.`,
  );
}
