// Reads one folder (DAM's `/meta`) out of an image's layer tars without the engine: the layers are
// stacked bottom to top as overlay filesystems do, honouring whiteouts (`.wh.NAME` hides NAME below) and
// opaque folders (`.wh..wh..opq` hides everything below in that folder). The one home of this rule: archive
// reading, bundle checks and `dam info` of a registry image all merge here.

export interface LayerEntry {
  /** Normalised path inside the image, e.g. `meta/install`. */
  path: string;
  type: 'file' | 'directory' | 'symlink';
  mode: number;
  /** Symlink target, as stored. */
  linkname?: string;
  data?: Buffer;
}

/** What a whiteout file becomes: `whiteout` hides `path` below, `opaque` hides everything below inside `path`. */
export interface LayerMarker {
  path: string;
  type: 'whiteout' | 'opaque';
}

/** The least an entry needs to be merged; callers keep their own details (data, size) on it. */
export interface MergeableEntry {
  path: string;
  type: string;
}

export type LayerItem<E extends MergeableEntry = LayerEntry> = E | LayerMarker;

const isMarker = (item: MergeableEntry): item is LayerMarker => item.type === 'whiteout' || item.type === 'opaque';

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

function isUnder(path: string, dir: string): boolean {
  return dir === '' ? path !== '' : path.startsWith(`${dir}/`);
}

/** Whether a layer entry can matter for `root` (the entry itself, below it, or a whiteout above it). */
export function concernsRoot(path: string, root: string): boolean {
  if (path === root || isUnder(path, root)) return true;
  const base = path.slice(path.lastIndexOf('/') + 1);
  return (
    base.startsWith(WHITEOUT) && (root === parentOf(path) || isUnder(root, parentOf(path)) || parentOf(path) === '')
  );
}

/** Turns whiteout files into markers: `d/.wh.x` hides `d/x`, `d/.wh..wh..opq` makes `d` opaque. */
export function classify<E extends MergeableEntry>(entry: E): LayerItem<E> {
  const dir = parentOf(entry.path);
  const base = entry.path.slice(dir.length === 0 ? 0 : dir.length + 1);
  if (base === OPAQUE) return { path: dir, type: 'opaque' };
  if (base.startsWith(WHITEOUT))
    return {
      path: dir === '' ? base.slice(WHITEOUT.length) : `${dir}/${base.slice(WHITEOUT.length)}`,
      type: 'whiteout',
    };
  return entry;
}

export type MergeResult<E extends MergeableEntry = LayerEntry> =
  { kind: 'found'; entries: E[] } | { kind: 'missing' } | { kind: 'not-a-folder'; type: string };

/**
 * The content of `root` in the image made of these layers (bottom first). Entries come back relative to
 * `root`, parents before children.
 */
export function mergeLayers<E extends MergeableEntry = LayerEntry>(
  layers: LayerItem<E>[][],
  root: string,
): MergeResult<E> {
  const visible = new Map<string, E>();
  const deleted: string[] = [];
  const opaque: string[] = [];
  const hiddenBelow = (path: string): boolean =>
    deleted.some((d) => path === d || isUnder(path, d)) || opaque.some((o) => isUnder(path, o));
  const shadowedByUpperFile = (path: string): boolean => {
    for (let p = parentOf(path); p !== ''; p = parentOf(p)) {
      const upper = visible.get(p);
      if (upper && upper.type !== 'directory') return true;
    }
    return false;
  };
  for (const layer of [...layers].reverse()) {
    const newDeleted: string[] = [];
    const newOpaque: string[] = [];
    for (const item of layer) {
      if (isMarker(item)) (item.type === 'whiteout' ? newDeleted : newOpaque).push(item.path);
      else if (!hiddenBelow(item.path) && !visible.has(item.path) && !shadowedByUpperFile(item.path))
        visible.set(item.path, item);
    }
    deleted.push(...newDeleted);
    opaque.push(...newOpaque);
  }
  const top = visible.get(root);
  const below = [...visible.values()].filter((e) => isUnder(e.path, root));
  if (top && top.type !== 'directory') return { kind: 'not-a-folder', type: top.type };
  if (!top && below.length === 0) return { kind: 'missing' };
  const entries = below
    .map((e) => ({ ...e, path: e.path.slice(root.length + 1) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { kind: 'found', entries };
}

/**
 * Whether this layer hides all that lower layers hold of `root` (it or a parent made opaque, deleted, or
 * replaced by a non-folder), so that a reader going top down may stop there.
 */
export function hidesBelow<E extends MergeableEntry>(layer: LayerItem<E>[], root: string): boolean {
  const atOrAbove = (path: string) => path === root || isUnder(root, path);
  return layer.some((item) => atOrAbove(item.path) && (isMarker(item) || item.type !== 'directory'));
}
