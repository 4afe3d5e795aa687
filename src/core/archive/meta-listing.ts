// The /meta listing of an image, merged from its layers' scans (bottom first) by core's layer rule
// (./layer-merge.ts). The scans themselves are read from tar streams in src/adapters/fs/meta-listing.ts.
import { hidesBelow, mergeLayers, type LayerItem } from './layer-merge.js';

export interface MetaEntry {
  /** Relative to /meta, `/`-separated, e.g. `install` or `www/index.html`. */
  path: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  mode: number;
  size: number;
  linkname?: string;
}

export interface MetaListing {
  entries: MetaEntry[];
  description?: string;
}

/** What one tar holds of /meta: entries (paths inside the image, `meta/...`) and whiteout markers. */
export interface LayerScan {
  items: LayerItem<ScannedEntry>[];
}

/** An entry as scanned; DESCRIPTION keeps its text so that the merged listing can show the visible one. */
export type ScannedEntry = MetaEntry & { text?: string };

export const META_ROOT = 'meta';

/** The /meta of these layers (bottom first) merged by core's rule; no entries when there is no /meta folder. */
export function listingOf(layers: LayerScan[]): MetaListing {
  const merged = mergeLayers(
    layers.map((l) => l.items),
    META_ROOT,
  );
  if (merged.kind !== 'found') return { entries: [] };
  const description = merged.entries.find((e) => e.path === 'DESCRIPTION' && e.type === 'file')?.text;
  const entries = merged.entries.map(({ text: _text, ...e }) => e);
  return description === undefined ? { entries } : { entries, description };
}

/** Whether reading layers top down may stop after this one: lower layers add nothing to /meta. */
export function endsMeta(layer: LayerScan): boolean {
  return hidesBelow(layer.items, META_ROOT);
}
