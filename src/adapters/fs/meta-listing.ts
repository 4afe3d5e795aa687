// Lists a `/meta` folder from tar streams without writing anything: the tar of `docker cp` (entries
// `meta/...`) or image layers (entries `meta/...`, `./meta/...`, with whiteouts, merged by
// core/archive/layer-merge.ts). Reads DESCRIPTION.
import type { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { classify, concernsRoot, type LayerItem } from '../../core/archive/layer-merge.js';
import { META_ROOT as ROOT, type LayerScan, type ScannedEntry } from '../../core/archive/meta-listing.js';

export type { LayerScan, MetaEntry, MetaListing } from '../../core/archive/meta-listing.js';
export { endsMeta, listingOf } from '../../core/archive/meta-listing.js';

/** DESCRIPTION is shown in a terminal; more than this is cut. */
const DESCRIPTION_MAX = 64 * 1024;

/** Reads one tar stream fully, keeping what concerns meta/ (its entries, and whiteouts that may hide them). */
export async function scanMetaTar(tar: Readable): Promise<LayerScan> {
  const items: LayerItem<ScannedEntry>[] = [];
  const ex = extract();
  tar.on('error', (err) => ex.destroy(err));
  tar.pipe(ex as unknown as NodeJS.WritableStream);
  for await (const entry of ex) {
    const name = entry.header.name.replace(/^\.?\/+/, '').replace(/\/+$/, '');
    if (!concernsRoot(name, ROOT)) {
      entry.resume();
      continue;
    }
    const h = entry.header;
    const type = h.type === 'file' || h.type === 'directory' || h.type === 'symlink' ? h.type : 'other';
    const scanned: ScannedEntry = {
      path: name,
      type,
      mode: h.mode & 0o7777,
      size: h.size,
      ...(h.linkname ? { linkname: h.linkname } : {}),
    };
    if (name === `${ROOT}/DESCRIPTION` && type === 'file')
      scanned.text = await readText(entry as unknown as AsyncIterable<Buffer>, DESCRIPTION_MAX);
    else entry.resume();
    items.push(classify(scanned));
  }
  return { items };
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
