// verify: one streaming pass over a bundle, changing nothing: every blob's name, size and sha256 (checked
// in bundle-reader.ts with what scanMember saw, so each byte is hashed once), and every image's /meta listing against the index where the bundle carries all of the
// image's layers (for a delta image, the layers holding its /meta may be on the target engine only). load
// runs the same /meta check on the stream it sends to the engine.
import { PassThrough, Transform, type Readable } from 'node:stream';
import { DamError } from '../../core/errors.js';
import { mergeLayers, type LayerItem } from '../../core/archive/layer-merge.js';
import { writeTreeAtomically } from '../fs/safe-extract.js';
import type { BundleIndex, IndexBlob } from '../../core/bundle/index-format.js';
import { META_ROOT, metaDifferences, metaListing } from '../../core/bundle/meta-listing.js';
import { scanMember, type ScanBudget } from '../archive/member-scan.js';
import type { UnpackBudget } from '../../core/archive/unpack-budget.js';
import type { Compression } from './compression.js';
import { walkBundle, type ObservedBlob } from './bundle-reader.js';
import { bundleInvalid } from './tar-walk.js';

/**
 * Collects each layer's /meta entries as it streams past, then checks the index's listings. With `unpack`,
 * every byte of a layer it reads (DAM inflated it, or the engine will keep it) and every byte it inflates
 * inside one is counted against that budget, the layer named by `layer` (its diff id unless given).
 */
export function metaChecker(path: string, unpack?: UnpackBudget) {
  const meta = new Map<string, LayerItem[]>();
  const budget: ScanBudget = { jsonBytes: 0, metaBytes: 64 * 1024 * 1024 };
  return {
    /** Reads a layer's /meta entries from `body`, which it consumes. */
    async scan(blob: IndexBlob, body: Readable, layer = `sha256:${blob.sha256}`): Promise<ObservedBlob> {
      const count = unpack && ((bytes: number) => unpack.add(layer, bytes));
      const record = await scanMember(body, blob.name, {
        maybeJson: false,
        metaRoot: META_ROOT,
        budget,
        source: path,
        ...(count ? { count: { read: count, inflated: count } } : {}),
      });
      const sha256 = record.digest.slice('sha256:'.length);
      // A damaged blob is reported by its digest, the precise fault, rather than by what it broke inside.
      if (sha256 !== blob.sha256)
        throw bundleInvalid(path, `member '${blob.name}' has sha256 ${sha256}, the index says ${blob.sha256}`);
      if (record.contentError) {
        if (record.contentError instanceof DamError) throw record.contentError;
        throw bundleInvalid(path, `member '${blob.name}' is not a valid layer tar (${record.contentError.message})`);
      }
      meta.set(`sha256:${blob.sha256}`, record.meta ?? []);
      return { size: record.size, sha256 };
    },
    /**
     * A pass-through that also feeds `scan`, for a blob that goes elsewhere (the engine). `done` settles
     * when the scan has read everything.
     */
    tee(blob: IndexBlob, layer?: string): { stream: Transform; done: Promise<ObservedBlob> } {
      const side = new PassThrough();
      const stream = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          if (side.write(chunk)) cb(null, chunk);
          else side.once('drain', () => cb(null, chunk));
        },
        flush(cb) {
          side.end();
          cb();
        },
      });
      // Cut off upstream (a failed inflate), the scan would wait for the rest forever: end it as a failure.
      stream.once('close', () => {
        if (!side.writableEnded) side.destroy(new Error('the layer stream was cut off'));
      });
      const done = this.scan(blob, side, layer).catch((err: unknown) => {
        stream.destroy(err as Error);
        throw err;
      });
      return { stream, done };
    },
    /** Writes each image's /meta, as the engine will see it, where `dirFor` says; returns the staged ids. */
    async stage(
      index: { images: Array<Pick<BundleIndex['images'][number], 'imageId' | 'layers' | 'tags'>> },
      dirFor: (imageId: string) => string,
    ): Promise<string[]> {
      const staged: string[] = [];
      for (const img of index.images) {
        if (!img.layers.every((d) => meta.has(d))) continue;
        const merged = mergeLayers(
          img.layers.map((d) => meta.get(d)!),
          META_ROOT,
        );
        if (merged.kind !== 'found') continue;
        await writeTreeAtomically(
          dirFor(img.imageId),
          async (tree) => {
            for (const e of merged.entries)
              await tree.add(
                {
                  path: e.path,
                  type: e.type,
                  mode: e.mode,
                  ...(e.linkname !== undefined ? { linkname: e.linkname } : {}),
                },
                e.data,
              );
          },
          { source: `the /meta of ${img.tags[0] ?? img.imageId} in bundle '${path}'` },
        );
        staged.push(img.imageId);
      }
      return staged;
    },
    check(index: BundleIndex): void {
      for (const img of index.images) {
        if (!img.layers.every((d) => meta.has(d))) continue;
        const differs = metaDifferences(img.meta, metaListing(img.layers.map((d) => meta.get(d)!)));
        if (differs.length > 0)
          throw bundleInvalid(
            path,
            `the /meta of ${img.tags[0] ?? img.imageId} differs from the index at '${differs[0]}'`,
          );
      }
    },
  };
}

export async function verifyBundle(
  path: string,
  compression: Compression,
  indexSha256: string,
  signal?: AbortSignal,
  unpack?: UnpackBudget,
): Promise<BundleIndex> {
  const checker = metaChecker(path, unpack);
  const index = await walkBundle(path, compression, indexSha256, { signal }, (blob, body) => checker.scan(blob, body));
  checker.check(index);
  return index;
}
