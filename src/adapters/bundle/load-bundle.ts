// Loads a bundle into the engine with ONE `docker load`, building a docker-save tar on the fly: the image
// configs and manifest.json first (from the index), then each carried layer as `<diff id>/layer.tar`
// streamed out of the bundle. Every layer is checked as it passes, as verify does (size, sha256, /meta
// listing); the tar's end-of-archive marker is only written once everything has checked, so a bad blob breaks the upload and the engine (which unpacks the
// whole upload before it registers anything) loads nothing. Memory stays flat: no layer is buffered.
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { DamError } from '../../core/errors.js';
import type { BundleIndex } from '../../core/bundle/index-format.js';
import type { Engine } from '../../core/ports/engine.js';
import type { UnpackBudget } from '../../core/archive/unpack-budget.js';
import type { Compression } from './compression.js';
import { walkBundle } from './bundle-reader.js';
import { metaChecker } from './verify-bundle.js';

const hex = (digest: string) => digest.slice('sha256:'.length);

function addEntry(pack: tar.Pack, name: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) =>
    pack.entry({ name, size: data.length, mode: 0o644, mtime: new Date(0) }, data, (err) =>
      err ? reject(err) : resolve(),
    ),
  );
}

/** The docker-save `manifest.json` for the index's images: layers named by diff id, tags from the index. */
export function saveManifest(index: BundleIndex): Buffer {
  return Buffer.from(
    JSON.stringify(
      index.images.map((img) => ({
        Config: `${hex(img.imageId)}.json`,
        RepoTags: img.tags,
        Layers: img.layers.map((d) => `${hex(d)}/layer.tar`),
      })),
    ),
  );
}

/**
 * Loads the bundle. When `stageMeta` is given, each image's /meta (read from the verified stream, checked
 * against the index) is also written to `stageMeta(imageId)`, so that install scripts can run from it
 * without copying /meta out of the engine; returns the ids of the images so staged.
 */
/** After the engine said the upload loaded: every image is there, or ENGINE_ERROR naming the one missing. */
export async function confirmLoaded(
  engine: Engine,
  path: string,
  images: ReadonlyArray<{ imageId: string; tags: string[] }>,
): Promise<void> {
  const found = await Promise.all(images.map((img) => engine.inspectImage(img.imageId)));
  const img = images[found.indexOf(undefined)];
  if (img)
    throw new DamError(
      'ENGINE_ERROR',
      `The engine accepted the bundle '${path}' but does not have image ${img.imageId} (${img.tags.join(', ')}).`,
      'Check the engine log (journalctl -u docker) and the free disk space, then import again.',
    );
}

/**
 * Streams a docker-save tar that `fill` writes into one `docker load`, holding back its end marker until
 * `fill` returned (every check passed): on a failure the upload is broken off and the engine discards what it
 * received. Then checks that every image is in the engine; `fill`'s result.
 */
export async function loadSaveStream<T>(
  engine: Engine,
  path: string,
  images: ReadonlyArray<{ imageId: string; tags: string[] }>,
  signal: AbortSignal | undefined,
  fill: (pack: tar.Pack) => Promise<T>,
): Promise<T> {
  const pack = tar.pack();
  const upload = new PassThrough();
  const sending = pipeline(pack as unknown as Readable, upload).catch(() => undefined);
  const loading = engine.load(upload, signal ? { signal } : {});
  loading.catch(() => undefined);
  let result: T;
  try {
    result = await fill(pack);
  } catch (err) {
    upload.destroy(err instanceof Error ? err : new Error(String(err)));
    await loading.catch(() => undefined);
    throw err;
  }
  pack.finalize();
  await sending;
  await loading;
  await confirmLoaded(engine, path, images);
  return result;
}

export async function loadBundle(
  path: string,
  compression: Compression,
  index: BundleIndex,
  indexSha256: string,
  engine: Engine,
  signal?: AbortSignal,
  stageMeta?: (imageId: string) => string,
  unpack?: UnpackBudget,
): Promise<string[]> {
  return loadSaveStream(engine, path, index.images, signal, async (pack) => {
    for (const img of index.images) await addEntry(pack, `${hex(img.imageId)}.json`, Buffer.from(img.config, 'utf8'));
    await addEntry(pack, 'manifest.json', saveManifest(index));
    const checker = metaChecker(path, unpack);
    await walkBundle(path, compression, indexSha256, { signal }, async (blob, body) => {
      const entry = pack.entry({ name: `${blob.sha256}/layer.tar`, size: blob.size, mode: 0o644, mtime: new Date(0) });
      const tee = checker.tee(blob);
      const [, seen] = await Promise.all([
        pipeline(body, tee.stream, entry as unknown as NodeJS.WritableStream),
        tee.done,
      ]);
      return seen;
    });
    checker.check(index);
    return stageMeta ? checker.stage(index, stageMeta) : [];
  });
}
