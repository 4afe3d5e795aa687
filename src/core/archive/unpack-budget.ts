// The bytes one load or verify of a bundle may inflate, in all: the bound an archive gets (unpackBound), spent
// layer by layer. Checked twice: against the sizes known before anything is read (an index's unpackedSize, a
// gzip trailer), so a bomb is refused before the engine is asked to load; and against the bytes actually
// inflated while they stream, since those sizes are claims a hostile file can make small.
import { DamError } from '../errors.js';

/**
 * The refusal of a file (`kind` 'archive' or 'bundle') that unpacks to more than its bound: `what` says how
 * much and where. One wording for both, stating the rule and how to get past it.
 */
export function unpackRefused(kind: 'archive' | 'bundle', source: string, what: string): DamError {
  return new DamError(
    'ARCHIVE_INVALID',
    `The ${kind} '${source}' is refused: ${what}, more than DAM allows for it (64 times its compressed size, at least 1 GiB, and no more than the engine's free space). Nothing was loaded.`,
    `This looks like a decompression bomb. If the ${kind} is genuine, free space where the engine keeps its images, or raise the ratio with DAM_MAX_UNPACK_RATIO.`,
  );
}

/** What passed the bound, for unpackRefused. */
export const passedAt = (bound: number, layer: string): string =>
  `it unpacks to more than ${bound} bytes (passed at its layer ${layer})`;

/** Makes the error for `layer` passing `bound` (the adapter names the file and says how to fix it). */
export type UnpackRefusal = (layer: string, bound: number) => Error;

export interface UnpackBudget {
  readonly bound: number;
  /** Bytes counted so far. */
  readonly used: number;
  /** Counts `bytes` more inflated out of `layer`; throws the refusal once the total passes the bound. */
  add(layer: string, bytes: number): void;
  /** The refusal `add` threw, if it did: for a caller whose stream reports a failure only later, or not at all. */
  readonly refusal: Error | undefined;
}

export function unpackBudget(bound: number, refuse: UnpackRefusal): UnpackBudget {
  let used = 0;
  let refusal: Error | undefined;
  return {
    bound,
    get used() {
      return used;
    },
    get refusal() {
      return refusal;
    },
    add(layer, bytes) {
      used += bytes;
      if (used > bound) throw (refusal ??= refuse(layer, bound));
    },
  };
}

/**
 * The first layer at which the known sizes, summed in order, pass `bound`; undefined when they all fit.
 * Layers whose size is unknown are left out: they are counted while they stream.
 */
export function firstOverBound(
  bound: number,
  sizes: Iterable<{ layer: string; bytes: number | undefined }>,
): string | undefined {
  let total = 0;
  for (const { layer, bytes } of sizes) {
    total += bytes ?? 0;
    if (total > bound) return layer;
  }
  return undefined;
}
