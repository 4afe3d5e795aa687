// Writes a bundle of format 2: a plain tar holding DAM's index first, then `oci-layout`, `index.json` and
// `blobs/sha256/...`, each blob once, in the order the index lists them. Layers come from `openLayer`
// (a registry's blob as served, or a layer DAM compressed) and are checked against their digest as they
// stream; nothing is recompressed. Written as a new temporary sibling (O_EXCL, see store/atomic.ts), fsynced and renamed; removed on any error.
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { DamError } from '../../core/errors.js';
import { INDEX_MEMBER } from '../../core/bundle/index-format.js';
import {
  blobMember,
  formatBundleIndex2,
  OCI_INDEX_MEMBER,
  OCI_LAYOUT,
  OCI_LAYOUT_MEMBER,
  ociMembers,
  type Blob2,
  type BundleIndex2,
  type ResolvedImage2,
} from '../../core/bundle/index-format2.js';
import { writePackedFile } from './packed-file.js';

export interface WriteOciOptions {
  out: string;
  signal?: AbortSignal | undefined;
  /** Bytes written to the file so far. */
  onProgress?: (bytes: number) => void;
}

function addEntry(pack: tar.Pack, name: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) =>
    pack.entry({ name, size: data.length, mode: 0o644, mtime: new Date(0) }, data, (err) =>
      err ? reject(err) : resolve(),
    ),
  );
}

/** The bytes of every blob the index holds in memory: multi-platform indexes, manifests, configs. */
export function smallBlobs(images: ResolvedImage2[]): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const p of ociMembers(images).platformIndexes) out.set(p.digest, Buffer.from(p.bytes, 'utf8'));
  for (const img of images) {
    out.set(img.manifestDigest, Buffer.from(img.manifest, 'utf8'));
    out.set(img.imageId, Buffer.from(img.config, 'utf8'));
  }
  return out;
}

/** Passes a blob through, failing at its end unless it has the size and sha256 the index gives it. */
export function blobCheck(blob: Blob2, fault: (what: string) => Error): Transform {
  const hash = createHash('sha256');
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      hash.update(chunk);
      cb(null, chunk);
    },
    flush(cb) {
      const digest = `sha256:${hash.digest('hex')}`;
      if (size !== blob.size) cb(fault(`blob ${blob.digest} is ${size} bytes, not ${blob.size}`));
      else if (digest !== blob.digest) cb(fault(`blob ${blob.digest} arrived with content ${digest}`));
      else cb();
    },
  });
}

export async function writeOciBundle(
  index: BundleIndex2,
  images: ResolvedImage2[],
  openLayer: (blob: Blob2) => Promise<Readable>,
  options: WriteOciOptions,
): Promise<number> {
  const fault = (what: string) =>
    new DamError(
      'REGISTRY_ERROR',
      `Writing the bundle '${options.out}' failed: ${what}.`,
      'The source changed or the download was corrupted; run the export again.',
    );
  return writePackedFile(options.out, { onProgress: options.onProgress, signal: options.signal }, async (pack) => {
    await addEntry(pack, INDEX_MEMBER, formatBundleIndex2(index));
    await addEntry(pack, OCI_LAYOUT_MEMBER, Buffer.from(OCI_LAYOUT));
    await addEntry(pack, OCI_INDEX_MEMBER, Buffer.from(ociMembers(images).indexJson));
    const small = smallBlobs(images);
    for (const blob of index.blobs) {
      const data = small.get(blob.digest);
      if (data) {
        await addEntry(pack, blobMember(blob.digest), data);
        continue;
      }
      const body = await openLayer(blob);
      const entry = pack.entry({ name: blobMember(blob.digest), size: blob.size, mode: 0o644, mtime: new Date(0) });
      await pipeline(body, blobCheck(blob, fault), entry as unknown as NodeJS.WritableStream);
    }
  });
}
