// Loads images of a format 2 bundle with ONE `docker load`: Docker 20.10 loads `docker save` tars, not OCI
// layouts, so the stream is built on the fly: each chosen image's config and `manifest.json` first (from the
// index), then each of their layers as `<diff hex>/layer.tar`, streamed out of the bundle as it is checked.
// DAM inflates every layer anyway (to check its diff id and read its /meta), so it sends the engine those
// inflated bytes, as format 1 does, and the engine does not inflate them a second time (measured: 1.69x
// `docker load` sending gzip, see docs/benchmarks.md). A tar entry needs its size first: the index gives it
// for layers DAM compressed, the gzip trailer for others (gzip-trailer.ts); a layer whose trailer proves
// wrong makes the load start again with that layer sent as stored (the engine inflates gzip itself; zstd,
// which the 20.10 engine refuses, needs the index's size). A gzip'd layer is inflated as one member without
// zlib's CRC-32 (gzip-member.ts): the diff id already holds every inflated byte; a layer sized by its trailer
// that is not one member takes that way as stored too, and one DAM compressed must be one member. The end-of-archive marker is only sent once every blob of the bundle has checked,
// so a bad blob leaves the engine as it was (decision 0005). What the load inflates is bounded as an
// archive's is (unpack-limit.ts): the sizes the index and the trailers state before the engine is asked,
// then every byte inflated as it streams.
import { PassThrough, Transform, Writable, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import type { Engine } from '../../core/ports/engine.js';
import { isDamError } from '../../core/errors.js';
import type { UnpackBudget } from '../../core/archive/unpack-budget.js';
import { layerCompression } from '../../core/bundle/oci-manifest.js';
import { blobMember, type Blob2, type ResolvedImage2 } from '../../core/bundle/index-format2.js';
import { metaChecker } from './verify-bundle.js';
import { CHUNK, zstdInflater } from './compression.js';
import { oneMemberGunzip } from './gzip-member.js';
import { bundleBudget, checkStatedSizes, statedLayerSizes } from './unpack-limit.js';
import { walkBundle2 } from './oci-read.js';
import { loadSaveStream } from './load-bundle.js';
import { bundleInvalid } from './tar-walk.js';

const hex = (digest: string) => digest.slice('sha256:'.length);

/**
 * A gzip'd layer that inflated to another size than its trailer said, or is not one gzip member: loaded
 * again, that layer sent as stored (the engine inflates it, DAM's scan inflates it with every check).
 */
class SizeHintMissed extends Error {
  constructor(readonly digest: string) {
    super(`layer ${digest} is not one gzip member of the size its trailer says`);
  }
}

function addEntry(pack: tar.Pack, name: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) =>
    pack.entry({ name, size: data.length, mode: 0o644, mtime: new Date(0) }, data, (err) =>
      err ? reject(err) : resolve(),
    ),
  );
}

function drain(body: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    body.once('end', resolve);
    body.once('error', reject);
    body.resume();
  });
}

/** Loads the images with these ids (one platform's) from the bundle; the rest of it is checked and skipped. */
export async function loadBundle2(
  path: string,
  indexSha256: string,
  imageIds: string[],
  chosen: ResolvedImage2[],
  engine: Engine,
  signal?: AbortSignal,
  stageMeta?: (imageId: string) => string,
  freeBytes?: number,
): Promise<string[]> {
  const images = chosen.filter((img) => imageIds.includes(img.imageId));
  const { hints, sizes } = await statedLayerSizes(path, images);
  // A bomb the index or the trailers already show is refused before the engine is asked to load.
  let unpack = await bundleBudget(path, freeBytes);
  checkStatedSizes(path, unpack, sizes);
  const stored = new Set<string>();
  for (;;) {
    try {
      return await loadOnce(path, indexSha256, images, engine, { hints, stored, signal, stageMeta, unpack });
    } catch (err) {
      if (!(err instanceof SizeHintMissed) || stored.has(err.digest)) throw err;
      stored.add(err.digest);
      // Each attempt counts afresh.
      unpack = await bundleBudget(path, freeBytes);
    }
  }
}

interface LoadOptions {
  /** Unpacked sizes of gzip'd layers from their trailers; a layer without one is sent as stored. */
  hints: Map<string, number>;
  /** Gzip'd layers sent as stored, the engine inflating them: their trailer misled, or they are not one member. */
  stored: Set<string>;
  signal?: AbortSignal | undefined;
  stageMeta?: ((imageId: string) => string) | undefined;
  /** Counts every byte inflated (what the /meta scan reads of each layer), the attempt's own. */
  unpack: UnpackBudget;
}

async function loadOnce(
  path: string,
  indexSha256: string,
  images: ResolvedImage2[],
  engine: Engine,
  options: LoadOptions,
): Promise<string[]> {
  const unpackedSize = (blob: Blob2) =>
    options.stored.has(blob.digest) ? undefined : (blob.unpackedSize ?? options.hints.get(blob.digest));
  const diffOf = new Map<string, string>();
  for (const img of images) img.parsed.layers.forEach((l, i) => diffOf.set(l.digest, img.layers[i]!));
  const checker = metaChecker(path, options.unpack);
  // A failure inside a layer is raised after the walk: a damaged blob is reported by its digest, the precise fault.
  let failure: unknown;
  return loadSaveStream(engine, path, images, options.signal, async (pack) => {
    for (const img of images) await addEntry(pack, `${hex(img.imageId)}.json`, Buffer.from(img.config, 'utf8'));
    const manifest = images.map((img) => ({
      Config: `${hex(img.imageId)}.json`,
      RepoTags: img.tags,
      Layers: img.layers.map((d) => `${hex(d)}/layer.tar`),
    }));
    await addEntry(pack, 'manifest.json', Buffer.from(JSON.stringify(manifest)));
    const sent = new Set<string>();
    const sends = (blob: Blob2) => {
      const diffId = diffOf.get(blob.digest);
      return diffId !== undefined && !sent.has(diffId) && failure === undefined ? diffId : undefined;
    };
    // A layer sent inflated is held to its diff id (from the verified config) as it streams, and only those
    // inflated bytes reach the engine: the walk need not hash its compressed bytes as well (one pass less).
    const inflated = (blob: Blob2) =>
      sends(blob) !== undefined && layerCompression(blob.mediaType) !== 'none' && unpackedSize(blob) !== undefined;
    await walkBundle2(path, indexSha256, { signal: options.signal, checkedByHandler: inflated }, async (blob, body) => {
      const diffId = sends(blob);
      if (diffId === undefined) return drain(body);
      sent.add(diffId);
      // The layer as the engine sees it is read here too: its diff id checked, its /meta kept for staging.
      const layer = { name: blobMember(blob.digest), size: blob.unpackedSize ?? 0, sha256: hex(diffId) };
      const compression = layerCompression(blob.mediaType);
      const name = `${hex(diffId)}/layer.tar`;
      const unpacked = unpackedSize(blob);
      if (compression === 'zstd' && blob.unpackedSize === undefined)
        throw bundleInvalid(
          path,
          `layer ${blob.digest} is zstd-compressed and its index does not give its unpacked size, which this engine needs`,
          'Export the bundle again with this DAM, or with --compress gzip.',
        );
      // Damaged compressed bytes show as zlib's error: named by the layer.
      const caught = (err: unknown) =>
        void (failure ??=
          err instanceof SizeHintMissed || isDamError(err)
            ? err
            : bundleInvalid(path, `layer ${blob.digest} does not inflate (${(err as Error).message ?? String(err)})`));
      if (compression === 'none' || unpacked === undefined) {
        const entry = pack.entry({ name, size: blob.size, mode: 0o644, mtime: new Date(0) });
        const side = compression === 'gzip' ? createGunzip({ chunkSize: CHUNK }) : new PassThrough();
        const scanned = checker.scan(layer, side, blob.digest).then(() => undefined, caught);
        await Promise.all([pipeline(body, copyTo(side), entry as unknown as NodeJS.WritableStream), scanned]);
        return;
      }
      const gunzip = compression === 'gzip' ? oneMemberGunzip(CHUNK) : undefined;
      const inflate = gunzip?.stream ?? zstdInflater(`The layer ${blob.digest} of '${path}'`);
      const entry = pack.entry({ name, size: unpacked, mode: 0o644, mtime: new Date(0) });
      const tee = checker.tee(layer, blob.digest);
      const sending = pipeline(
        inflate,
        sizeGuard(unpacked, () =>
          blob.unpackedSize === undefined
            ? new SizeHintMissed(blob.digest)
            : bundleInvalid(path, `layer ${blob.digest} does not inflate to the ${unpacked} bytes its index says`),
        ),
        tee.stream,
        entry as unknown as NodeJS.WritableStream,
      );
      // The compressed bytes are read to their end whatever happens to the inflated side.
      await Promise.all([pipeline(body, feed(inflate)), sending.catch(caught), tee.done.catch(caught)]);
      // Not one gzip member (a second one, data after it, damaged deflate data): what failed here is a
      // consequence. A layer sized by its trailer takes the general way (every blob byte hashed, gzip inflated
      // whole with its CRC), which loads it or names the fault; one DAM compressed (its index gives the size)
      // is one member, or invalid.
      const broken = failure === undefined || (isDamError(failure) && failure.code === 'ARCHIVE_INVALID');
      const shape = broken && !options.signal?.aborted ? gunzip?.check(unpacked) : undefined;
      if (shape !== undefined)
        failure =
          blob.unpackedSize === undefined
            ? new SizeHintMissed(blob.digest)
            : (failure ?? bundleInvalid(path, `layer ${blob.digest} is not one gzip member: ${shape}`));
    });
    if (failure !== undefined) throw failure;
    return options.stageMeta ? checker.stage({ images }, options.stageMeta) : [];
  });
}

/** Passes exactly `size` bytes on; more or fewer fail with `wrong()`. */
function sizeGuard(size: number, wrong: () => Error): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      cb(seen > size ? wrong() : null, seen > size ? undefined : chunk);
    },
    flush(cb) {
      cb(seen === size ? null : wrong());
    },
  });
}

/** Waits for `side` to take more, or to be gone (a side that fails while full never drains). */
function whenReady(side: Writable, go: () => void): void {
  const once = () => {
    side.off('drain', once);
    side.off('close', once);
    go();
  };
  side.once('drain', once);
  side.once('close', once);
}

/** Consumes a stream into `side` at its pace; once `side` failed, the rest is read and dropped. */
function feed(side: Writable): Writable {
  return new Writable({
    highWaterMark: CHUNK,
    write(chunk: Buffer, _enc, cb) {
      if (side.destroyed || side.write(chunk)) return void cb();
      whenReady(side, () => cb());
    },
    final(cb) {
      if (!side.destroyed) side.end();
      cb();
    },
  });
}

/** Passes chunks on and copies them into `side` (an inflater read by the /meta scan), at its pace. */
function copyTo(side: Writable): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (side.destroyed || side.write(chunk)) return void cb(null, chunk);
      whenReady(side, () => cb(null, chunk));
    },
    flush(cb) {
      if (!side.destroyed) side.end();
      cb();
    },
  });
}
