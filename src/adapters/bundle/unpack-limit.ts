// The archive rule (unpackBound) for bundles: one load or verify may inflate, in all, at most the bound a
// compressed archive of the bundle's size gets, and no more than the engine's free space when the engine is
// on this host. The sizes the bundle states are checked before anything streams; the bytes inflated are
// counted as they stream (core/archive/unpack-budget.ts).
import { stat } from 'node:fs/promises';
import type { DamError } from '../../core/errors.js';
import {
  firstOverBound,
  passedAt,
  unpackBudget,
  unpackRefused,
  type UnpackBudget,
} from '../../core/archive/unpack-budget.js';
import { unpackLimit } from '../archive/engine-space.js';
import { layerCompression } from '../../core/bundle/oci-manifest.js';
import type { Blob2, ResolvedImage2 } from '../../core/bundle/index-format2.js';
import { embeddedBundle } from './self-contained.js';
import { gzipTrailerSizes } from './gzip-trailer.js';

/** The refusal of a bundle whose `layer` takes the inflated total past `bound`. */
export const bundleBomb = (path: string, layer: string, bound: number): DamError =>
  unpackRefused('bundle', path, passedAt(bound, layer));

/** The bundle's own bytes: the whole file, or the bundle a self-contained product carries. */
async function bundleBytes(path: string): Promise<number> {
  const region = embeddedBundle(path);
  return region ? region.end - region.start : (await stat(path)).size;
}

/** A fresh budget for one pass over the bundle at `path`; `freeBytes` when the engine is on this host. */
export async function bundleBudget(path: string, freeBytes?: number): Promise<UnpackBudget> {
  const bound = unpackLimit(await bundleBytes(path), true, freeBytes);
  return unpackBudget(bound, (layer, max) => bundleBomb(path, layer, max));
}

/** Refuses the bundle, before anything streams, when the sizes it states already pass the budget's bound. */
export function checkStatedSizes(
  path: string,
  budget: UnpackBudget,
  sizes: Iterable<{ layer: string; bytes: number | undefined }>,
): void {
  const over = firstOverBound(budget.bound, sizes);
  if (over !== undefined) throw bundleBomb(path, over, budget.bound);
}

/**
 * The sizes a format 2 bundle states for the layers of these images (each once): the index's unpackedSize,
 * else the gzip trailer's (`hints`, by digest, which the loader also uses to size what it sends); undefined
 * where neither.
 */
export async function statedLayerSizes(
  path: string,
  images: readonly ResolvedImage2[],
): Promise<{ hints: Map<string, number>; sizes: Array<{ layer: string; bytes: number | undefined }> }> {
  const distinct = new Map<string, Blob2>();
  for (const img of images) for (const l of img.parsed.layers) distinct.set(l.digest, l);
  const layers = [...distinct.values()];
  const hints = await gzipTrailerSizes(
    path,
    layers.filter((l) => layerCompression(l.mediaType) === 'gzip'),
  );
  const stated = (l: Blob2) =>
    l.unpackedSize ?? (layerCompression(l.mediaType) === 'none' ? l.size : hints.get(l.digest));
  return { hints, sizes: layers.map((l) => ({ layer: l.digest, bytes: stated(l) })) };
}
