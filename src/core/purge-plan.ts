// Which images `dam purge` removes. Pure: given the engine's images and containers and DAM's state. Only
// images this state directory acquired (state.acquired) are ever candidates: an image another state
// directory, another user or another program brought is not ours to remove, whatever its labels say.
import type { ImageSummary } from './ports/engine.js';
import type { AcquiredImage, State } from './state.js';

export interface PurgeOptions {
  keepPrevious: boolean;
}

export interface PurgeItem {
  id: string;
  tags: string[];
  size: number;
}

export interface PurgeSkip extends PurgeItem {
  reason: 'installed' | 'previous-version' | 'used-by-container';
}

export interface PurgePlan {
  remove: PurgeItem[];
  /** Acquired images that stay, each with its reason. Images this state did not acquire are not listed. */
  keep: PurgeSkip[];
  /** Upper bound: layers shared with kept images are not freed. */
  bytes: number;
}

/** Image ids match when equal, or when one is DAM 1.x's 12-hex short form of the other. */
export function sameImage(a: string, b: string): boolean {
  const x = a.replace(/^sha256:/, '');
  const y = b.replace(/^sha256:/, '');
  return x === y || (x.length === 12 && y.startsWith(x)) || (y.length === 12 && x.startsWith(y));
}

export function planPurge(
  images: ImageSummary[],
  usedByContainers: Set<string>,
  state: State,
  options: PurgeOptions,
): PurgePlan {
  const owned = state.acquired ?? [];
  const installed = state.apps.map((a) => a.imageId);
  const previous = options.keepPrevious ? state.apps.flatMap((a) => (a.previous ? [a.previous.imageId] : [])) : [];
  const remove: PurgeItem[] = [];
  const keep: PurgeSkip[] = [];
  for (const image of images) {
    if (!owned.some((a) => sameImage(a.imageId, image.id))) continue;
    const item = { id: image.id, tags: image.repoTags.filter((t) => t !== '<none>:<none>'), size: image.size };
    let reason: PurgeSkip['reason'] | undefined;
    if (installed.some((id) => sameImage(id, image.id))) reason = 'installed';
    else if (previous.some((id) => sameImage(id, image.id))) reason = 'previous-version';
    else if ([...usedByContainers].some((id) => sameImage(id, image.id)) || image.containers > 0)
      reason = 'used-by-container';
    if (reason) keep.push({ ...item, reason });
    else remove.push(item);
  }
  return { remove, keep, bytes: remove.reduce((n, i) => n + i.size, 0) };
}

/** Adds images to the acquired list (once each). */
export function recordAcquired(state: State, imageIds: string[], by: string, at: string): State {
  const known = state.acquired ?? [];
  const added: AcquiredImage[] = [];
  for (const imageId of imageIds) {
    if (![...known, ...added].some((a) => a.imageId === imageId)) added.push({ imageId, by, at });
  }
  return added.length === 0 ? state : { ...state, acquired: [...known, ...added] };
}

/** Drops from the acquired list the images no longer on the engine (purged, or removed by hand). */
export function forgetGone(state: State, present: string[]): State {
  if (!state.acquired) return state;
  const acquired = state.acquired.filter((a) => present.some((id) => sameImage(a.imageId, id)));
  return acquired.length === state.acquired.length ? state : { ...state, acquired };
}
