// Layer chain ids, as the engine's layer store keys layers: a layer is present on an engine only together
// with everything below it, so a delta decides on chain ids, not bare diff ids (the same diff id on another
// base is another layer). chainId(L0) = diffId(L0); chainId(L0..n) = sha256(chainId(L0..n-1) + " " + diffId(Ln)).
import { createHash } from 'node:crypto';

export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  let previous: string | undefined;
  for (const diffId of diffIds) {
    previous =
      previous === undefined ? diffId : `sha256:${createHash('sha256').update(`${previous} ${diffId}`).digest('hex')}`;
    out.push(previous);
  }
  return out;
}

export interface DeltaPlan {
  /** Distinct diff ids the bundle must carry, in the order first needed. */
  carried: string[];
  /** Distinct diff ids left out: every image that uses one finds its chain on the target already. */
  omitted: string[];
}

/** Which layers a bundle of these images (diff ids bottom first) carries for a target holding `targetChains`. */
export function planLayers(images: ReadonlyArray<readonly string[]>, targetChains: ReadonlySet<string>): DeltaPlan {
  const carried: string[] = [];
  const all: string[] = [];
  const seen = new Set<string>();
  const carriedSet = new Set<string>();
  for (const layers of images) {
    const chains = chainIds(layers);
    layers.forEach((diffId, i) => {
      if (!seen.has(diffId)) {
        seen.add(diffId);
        all.push(diffId);
      }
      if (!targetChains.has(chains[i]!) && !carriedSet.has(diffId)) {
        carriedSet.add(diffId);
        carried.push(diffId);
      }
    });
  }
  return { carried, omitted: all.filter((d) => !carriedSet.has(d)).sort() };
}

/**
 * The omitted layers an engine holding `engineChains` lacks for these images: diff ids the bundle does not
 * carry whose chain (that layer over the ones below it in some image) the engine does not have. Sorted.
 */
export function lackingLayers(
  images: ReadonlyArray<readonly string[]>,
  carried: ReadonlySet<string>,
  engineChains: ReadonlySet<string>,
): string[] {
  const missing = new Set<string>();
  for (const layers of images) {
    const chains = chainIds(layers);
    layers.forEach((diffId, i) => {
      if (!carried.has(diffId) && !engineChains.has(chains[i]!)) missing.add(diffId);
    });
  }
  return [...missing].sort();
}
