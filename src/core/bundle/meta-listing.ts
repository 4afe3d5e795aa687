// The /meta listing an index pins for each image: every file's mode, size and sha256, folders and symbolic
// links, computed from the layers merged as the engine would (core/archive/layer-merge.ts).
import { mergeLayers, type LayerItem } from '../archive/layer-merge.js';
import { sha256Hex, type MetaEntry } from './index-format.js';

export const META_ROOT = 'meta';

/** The listing of /meta in an image made of these layers (their /meta items, bottom first); empty without /meta. */
export function metaListing(layers: LayerItem[][]): Record<string, MetaEntry> {
  const merged = mergeLayers(layers, META_ROOT);
  const out: Record<string, MetaEntry> = {};
  if (merged.kind !== 'found') return out;
  for (const e of merged.entries) {
    if (e.type === 'file')
      out[e.path] = {
        type: 'file',
        mode: e.mode & 0o7777,
        size: e.data?.length ?? 0,
        sha256: sha256Hex(e.data ?? Buffer.alloc(0)),
      };
    else if (e.type === 'directory') out[e.path] = { type: 'directory', mode: e.mode & 0o7777 };
    else out[e.path] = { type: 'symlink', target: e.linkname ?? '' };
  }
  return out;
}

/** The paths where two listings differ, sorted; empty when they are the same. */
export function metaDifferences(expected: Record<string, MetaEntry>, actual: Record<string, MetaEntry>): string[] {
  const paths = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return paths.filter((p) => JSON.stringify(expected[p] ?? null) !== JSON.stringify(actual[p] ?? null));
}

/** What a meta copy on the host holds: each file's sha256 and each link's target, by path inside /meta. */
export type MetaContent = Record<string, { sha256?: string; target?: string }>;

/**
 * Where a meta copy's content differs from the listing an index pins (files and links; folders and modes
 * are left to the extraction rules). Empty when every script that may run is the one the index names.
 */
export function metaContentDifferences(expected: Record<string, MetaEntry>, actual: MetaContent): string[] {
  const want: MetaContent = {};
  for (const [path, e] of Object.entries(expected)) {
    if (e.type === 'file') want[path] = { sha256: e.sha256 };
    else if (e.type === 'symlink') want[path] = { target: e.target };
  }
  const paths = [...new Set([...Object.keys(want), ...Object.keys(actual)])].sort();
  return paths.filter((p) => JSON.stringify(want[p] ?? null) !== JSON.stringify(actual[p] ?? null));
}
