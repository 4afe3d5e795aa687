// Which images `dam purge` removes. Pure: given the engine's images and containers and DAM's state.
import { LABEL_FAMILY } from './app-labels.js';
import type { ImageSummary } from './ports/engine.js';
import type { State } from './state.js';

export interface PurgeOptions {
  /** Also images DAM did not create or install (never those of installed apps or used by containers). */
  all: boolean;
  keepPrevious: boolean;
}

export interface PurgeItem {
  id: string;
  tags: string[];
  size: number;
}

export interface PurgeSkip extends PurgeItem {
  reason: 'installed' | 'previous-version' | 'used-by-container' | 'not-dam';
}

export interface PurgePlan {
  remove: PurgeItem[];
  keep: PurgeSkip[];
  /** Upper bound: layers shared with kept images are not freed. */
  bytes: number;
}

/** Image ids match when equal, or when one is DAM 1.x's 12-hex short form of the other. */
function sameImage(a: string, b: string): boolean {
  const x = a.replace(/^sha256:/, '');
  const y = b.replace(/^sha256:/, '');
  return x === y || (x.length === 12 && y.startsWith(x)) || (y.length === 12 && x.startsWith(y));
}

export function planPurge(images: ImageSummary[], usedByContainers: Set<string>, state: State, options: PurgeOptions): PurgePlan {
  const installed = state.apps.map((a) => a.imageId);
  const previous = options.keepPrevious ? state.apps.flatMap((a) => (a.previous ? [a.previous.imageId] : [])) : [];
  const remove: PurgeItem[] = [];
  const keep: PurgeSkip[] = [];
  for (const image of images) {
    const item = { id: image.id, tags: image.repoTags.filter((t) => t !== '<none>:<none>'), size: image.size };
    let reason: PurgeSkip['reason'] | undefined;
    if (installed.some((id) => sameImage(id, image.id))) reason = 'installed';
    else if (previous.some((id) => sameImage(id, image.id))) reason = 'previous-version';
    else if ([...usedByContainers].some((id) => sameImage(id, image.id)) || image.containers > 0) reason = 'used-by-container';
    else if (!options.all && image.labels[LABEL_FAMILY] === undefined) reason = 'not-dam';
    if (reason) keep.push({ ...item, reason });
    else remove.push(item);
  }
  return { remove, keep, bytes: remove.reduce((n, i) => n + i.size, 0) };
}
