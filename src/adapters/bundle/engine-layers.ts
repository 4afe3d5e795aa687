// What the engine holds, by layer: the diff ids of every image (bottom first), for `dam inventory` and for
// checking that a delta bundle's omitted layers are present.
import type { BundleContents } from '../../core/ports/bundle.js';
import type { Engine } from '../../core/ports/engine.js';
import { chainIds, lackingLayers } from '../../core/bundle/chain.js';

/** Every image's diff ids. Images removed between the list and the inspect are skipped. */
export async function engineImageLayers(engine: Engine): Promise<string[][]> {
  const out: string[][] = [];
  for (const summary of await engine.listImages()) {
    const info = await engine.inspectImage(summary.id);
    if (info) out.push(info.layers);
  }
  return out;
}

/**
 * The diff ids a delta bundle leaves out that the engine does not hold (as the layer over the same layers
 * the bundle's image puts below it). Empty for a full bundle. Changes nothing.
 */
export async function missingLayers(contents: BundleContents, engine: Engine): Promise<string[]> {
  if (contents.omittedLayers.length === 0) return [];
  const chains = new Set((await engineImageLayers(engine)).flatMap((layers) => chainIds(layers)));
  const omitted = new Set(contents.omittedLayers);
  const carried = new Set(contents.images.flatMap((img) => img.layers).filter((d) => !omitted.has(d)));
  return lackingLayers(
    contents.images.map((img) => img.layers),
    carried,
    chains,
  );
}
