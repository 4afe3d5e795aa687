// Loads a bundle into the engine with ONE `docker load`, building a docker-save tar on the fly: the image
// configs and manifest.json first (from the index), then each carried layer as `<diff id>/layer.tar`
// streamed out of the bundle. Every layer's size and sha256 are checked as it passes; the tar's
// end-of-archive marker is only written once everything has checked, so a bad blob breaks the upload and the
// engine (which unpacks the whole upload before it registers anything) loads nothing. Memory stays flat.
// The /meta listing is not re-parsed here: each layer's sha256 is its diff id, pinned by the index, so the
// loaded image's /meta is what the index lists; `dam import` compares the copy it runs scripts from with the
// index before any script runs (decision 0004).
import { createHash } from 'node:crypto';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { DamError } from '../../core/errors.js';
import type { BundleIndex } from '../../core/bundle/index-format.js';
import type { Engine } from '../../core/ports/engine.js';
import type { Compression } from './compression.js';
import { walkBundle } from './bundle-reader.js';

const hex = (digest: string) => digest.slice('sha256:'.length);

function addEntry(pack: tar.Pack, name: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => pack.entry({ name, size: data.length, mode: 0o644, mtime: new Date(0) }, data, (err) => (err ? reject(err) : resolve())));
}

/** The docker-save `manifest.json` for the index's images: layers named by diff id, tags from the index. */
export function saveManifest(index: BundleIndex): Buffer {
  return Buffer.from(JSON.stringify(index.images.map((img) => ({ Config: `${hex(img.imageId)}.json`, RepoTags: img.tags, Layers: img.layers.map((d) => `${hex(d)}/layer.tar`) }))));
}

export async function loadBundle(path: string, compression: Compression, index: BundleIndex, indexSha256: string, engine: Engine, signal?: AbortSignal): Promise<string[]> {
  const pack = tar.pack();
  const upload = new PassThrough();
  const sending = pipeline(pack as unknown as Readable, upload).catch(() => undefined);
  const loading = engine.load(upload, signal ? { signal } : {});
  loading.catch(() => undefined);
  try {
    for (const img of index.images) await addEntry(pack, `${hex(img.imageId)}.json`, Buffer.from(img.config, 'utf8'));
    await addEntry(pack, 'manifest.json', saveManifest(index));
    await walkBundle(path, compression, indexSha256, { signal }, async (blob, body) => {
      const entry = pack.entry({ name: `${blob.sha256}/layer.tar`, size: blob.size, mode: 0o644, mtime: new Date(0) });
      const hash = createHash('sha256');
      let size = 0;
      const tap = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          hash.update(chunk);
          size += chunk.length;
          cb(null, chunk);
        },
      });
      await pipeline(body, tap, entry as unknown as NodeJS.WritableStream);
      return { size, sha256: hash.digest('hex') };
    });
  } catch (err) {
    // Break the upload without its end marker: the engine discards what it has received.
    upload.destroy(err instanceof Error ? err : new Error(String(err)));
    await loading.catch(() => undefined);
    throw err;
  }
  pack.finalize();
  await sending;
  const loaded = await loading;
  for (const img of index.images) {
    const found = await engine.inspectImage(img.imageId);
    if (!found) throw new DamError('ENGINE_ERROR', `The engine accepted the bundle '${path}' but does not have image ${img.imageId} (${img.tags.join(', ')}).`, 'Check the engine log (journalctl -u docker) and the free disk space, then import again.');
  }
  return loaded;
}
