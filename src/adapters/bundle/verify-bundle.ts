// verify: one streaming pass over a bundle, changing nothing: every blob's name, size and sha256 (in
// bundle-reader.ts), and every image's /meta listing against the index where the bundle carries all of the
// image's layers (for a delta image, the layers holding its /meta may be on the target engine only).
import type { Readable } from 'node:stream';
import { DamError } from '../../core/errors.js';
import type { LayerItem } from '../../core/archive/layer-merge.js';
import type { BundleIndex } from '../../core/bundle/index-format.js';
import { META_ROOT, metaDifferences, metaListing } from '../../core/bundle/meta-listing.js';
import { scanMember, type ScanBudget } from '../archive/member-scan.js';
import type { Compression } from './compression.js';
import { walkBundle } from './bundle-reader.js';
import { bundleInvalid } from './tar-walk.js';

export async function verifyBundle(path: string, compression: Compression, indexSha256: string, signal?: AbortSignal): Promise<BundleIndex> {
  const meta = new Map<string, LayerItem[]>();
  const budget: ScanBudget = { jsonBytes: 0, metaBytes: 64 * 1024 * 1024 };
  const index = await walkBundle(path, compression, indexSha256, { signal }, async (blob, body: Readable) => {
    const record = await scanMember(body, blob.name, { maybeJson: false, metaRoot: META_ROOT, budget, source: path });
    if (record.contentError) {
      if (record.contentError instanceof DamError) throw record.contentError;
      throw bundleInvalid(path, `member '${blob.name}' is not a valid layer tar (${record.contentError.message})`);
    }
    meta.set(`sha256:${blob.sha256}`, record.meta ?? []);
  });
  for (const img of index.images) {
    if (!img.layers.every((d) => meta.has(d))) continue;
    const differs = metaDifferences(img.meta, metaListing(img.layers.map((d) => meta.get(d)!)));
    if (differs.length > 0) throw bundleInvalid(path, `the /meta of ${img.tags[0] ?? img.imageId} differs from the index at '${differs[0]}'`);
  }
  return index;
}
