// Lists a `/meta` folder from tar streams without writing anything: the tar of `docker cp` (entries
// `meta/...`) or image layers (entries `meta/...`, `./meta/...`, with whiteouts). Reads DESCRIPTION.
import type { Readable } from 'node:stream';
import { extract } from 'tar-stream';

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

/** DESCRIPTION is shown in a terminal; more than this is cut. */
const DESCRIPTION_MAX = 64 * 1024;

export interface LayerScan {
  /** meta entries of this layer, by path. */
  entries: Map<string, MetaEntry>;
  /** Paths deleted by whiteouts in this layer (`meta/x` for `meta/.wh.x`). */
  whiteouts: Set<string>;
  /** The layer replaces /meta wholesale (opaque whiteout) or deletes it. */
  opaque: boolean;
  description?: string;
}

/** Reads one tar stream fully, keeping what lies under meta/. */
export async function scanMetaTar(tar: Readable): Promise<LayerScan> {
  const scan: LayerScan = { entries: new Map(), whiteouts: new Set(), opaque: false };
  const ex = extract();
  tar.on('error', (err) => ex.destroy(err));
  tar.pipe(ex as unknown as NodeJS.WritableStream);
  for await (const entry of ex) {
    const name = entry.header.name.replace(/^\.?\/+/, '').replace(/\/+$/, '');
    const under = name === 'meta' ? '' : name.startsWith('meta/') ? name.slice(5) : undefined;
    const base = name.slice(name.lastIndexOf('/') + 1);
    if (name === '.wh.meta' || (under !== undefined && base === '.wh..wh..opq')) scan.opaque = true;
    else if (under !== undefined && base.startsWith('.wh.')) scan.whiteouts.add(`${under.slice(0, under.length - base.length)}${base.slice(4)}`);
    else if (under !== undefined && under !== '') {
      const h = entry.header;
      const type = h.type === 'file' || h.type === 'directory' || h.type === 'symlink' ? h.type : 'other';
      scan.entries.set(under, { path: under, type, mode: h.mode & 0o7777, size: h.size, ...(h.linkname ? { linkname: h.linkname } : {}) });
      if (under === 'DESCRIPTION' && type === 'file') {
        scan.description = await readText(entry as unknown as AsyncIterable<Buffer>, DESCRIPTION_MAX);
        continue;
      }
    }
    entry.resume();
  }
  return scan;
}

async function readText(stream: AsyncIterable<Buffer | Uint8Array>, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    if (size < max) chunks.push(Buffer.from(chunk));
    size += chunk.length;
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8');
}

export function listingOf(scan: LayerScan): MetaListing {
  const entries = [...scan.entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return scan.description === undefined ? { entries } : { entries, description: scan.description };
}

/** Merges layers read top first: an upper layer's entry wins, a whiteout hides lower entries. */
export function mergeLower(upper: LayerScan, lower: LayerScan): void {
  const hidden = (path: string) => [...upper.whiteouts].some((w) => path === w || path.startsWith(`${w}/`));
  for (const [path, entry] of lower.entries) {
    if (!upper.entries.has(path) && !hidden(path)) upper.entries.set(path, entry);
  }
  if (upper.description === undefined && lower.description !== undefined && !hidden('DESCRIPTION')) upper.description = lower.description;
  for (const w of lower.whiteouts) upper.whiteouts.add(w);
  upper.opaque = lower.opaque;
}
