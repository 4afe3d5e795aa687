// Loads images of a format 2 bundle with ONE `docker load`: Docker 20.10 loads `docker save` tars, not OCI
// layouts, so the stream is built on the fly: each chosen image's config and `manifest.json` first (from the
// index), then each of their layers as `<diff hex>/layer.tar`, streamed out of the bundle as it is checked.
// gzip'd layers go as they are (the engine inflates them and checks each diff id against the config);
// zstd layers, which the 20.10 engine refuses, are inflated here. The end-of-archive marker is only sent
// once every blob of the bundle has checked, so a bad blob leaves the engine as it was (decision 0005).
import { PassThrough, Transform, type Readable, type Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import type { Engine } from '../../core/ports/engine.js';
import { layerCompression } from '../../core/bundle/oci-manifest.js';
import { blobMember, type ResolvedImage2 } from '../../core/bundle/index-format2.js';
import { metaChecker } from './verify-bundle.js';
import { zstdInflater } from './compression.js';
import { walkBundle2 } from './oci-read.js';
import { loadSaveStream } from './load-bundle.js';
import { bundleInvalid } from './tar-walk.js';

const hex = (digest: string) => digest.slice('sha256:'.length);

function addEntry(pack: tar.Pack, name: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => pack.entry({ name, size: data.length, mode: 0o644, mtime: new Date(0) }, data, (err) => (err ? reject(err) : resolve())));
}

function drain(body: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    body.once('end', resolve);
    body.once('error', reject);
    body.resume();
  });
}

/** Loads the images with these ids (one platform's) from the bundle; the rest of it is checked and skipped. */
export async function loadBundle2(path: string, indexSha256: string, imageIds: string[], chosen: ResolvedImage2[], engine: Engine, signal?: AbortSignal, stageMeta?: (imageId: string) => string): Promise<string[]> {
  const images = chosen.filter((img) => imageIds.includes(img.imageId));
  const diffOf = new Map<string, string>();
  for (const img of images) img.parsed.layers.forEach((l, i) => diffOf.set(l.digest, img.layers[i]!));
  const checker = metaChecker(path);
  let scanError: unknown;
  return loadSaveStream(engine, path, images, signal, async (pack) => {
    for (const img of images) await addEntry(pack, `${hex(img.imageId)}.json`, Buffer.from(img.config, 'utf8'));
    const manifest = images.map((img) => ({ Config: `${hex(img.imageId)}.json`, RepoTags: img.tags, Layers: img.layers.map((d) => `${hex(d)}/layer.tar`) }));
    await addEntry(pack, 'manifest.json', Buffer.from(JSON.stringify(manifest)));
    const sent = new Set<string>();
    await walkBundle2(path, indexSha256, { signal }, async (blob, body) => {
      const diffId = diffOf.get(blob.digest);
      if (diffId === undefined || sent.has(diffId)) return drain(body);
      sent.add(diffId);
      // The layer as the engine sees it is read here too: its diff id checked, its /meta kept for staging.
      const layer = { name: blobMember(blob.digest), size: blob.unpackedSize ?? 0, sha256: hex(diffId) };
      const compression = layerCompression(blob.mediaType);
      if (compression !== 'zstd') {
        const entry = pack.entry({ name: `${hex(diffId)}/layer.tar`, size: blob.size, mode: 0o644, mtime: new Date(0) });
        const side = compression === 'gzip' ? createGunzip({ chunkSize: 256 * 1024 }) : new PassThrough();
        // A scan failure is raised after the walk: a damaged blob is reported by its digest, the precise fault.
        const scanned = checker.scan(layer, side).then(() => undefined, (err: unknown) => void (scanError ??= err));
        await Promise.all([pipeline(body, copyTo(side), entry as unknown as NodeJS.WritableStream), scanned]);
        return;
      }
      if (blob.unpackedSize === undefined) throw bundleInvalid(path, `layer ${blob.digest} is zstd-compressed and its index does not give its unpacked size, which this engine needs`, 'Export the bundle again with this DAM, or with --compress gzip.');
      const entry = pack.entry({ name: `${hex(diffId)}/layer.tar`, size: blob.unpackedSize, mode: 0o644, mtime: new Date(0) });
      const tee = checker.tee(layer);
      await Promise.all([pipeline(body, zstdInflater(`The layer ${blob.digest} of '${path}'`), tee.stream, entry as unknown as NodeJS.WritableStream), tee.done]);
    });
    if (scanError !== undefined) throw scanError;
    return stageMeta ? checker.stage({ images }, stageMeta) : [];
  });
}

/** Passes chunks on and copies them into `side` (an inflater read by the /meta scan), at its pace. */
function copyTo(side: Writable): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (side.destroyed || side.write(chunk)) return void cb(null, chunk);
      // A side that fails while full never drains: its close lets the copy go on.
      const go = () => {
        side.off('drain', go);
        side.off('close', go);
        cb(null, chunk);
      };
      side.once('drain', go);
      side.once('close', go);
    },
    flush(cb) {
      if (!side.destroyed) side.end();
      cb();
    },
  });
}
