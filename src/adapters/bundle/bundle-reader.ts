// Reads a DAM bundle: its index (the first member) and then its blobs, each checked as it streams past:
// the name is one the index lists, exactly once, a regular file of the listed size, with the listed
// sha256, and nothing may follow that the index does not list. Nothing is unpacked to disk.
import type { Readable } from 'node:stream';
import {
  INDEX_MAX_BYTES,
  INDEX_MEMBER,
  parseBundleIndex,
  sha256Hex,
  type BundleIndex,
  type IndexBlob,
} from '../../core/bundle/index-format.js';
import { normalizeEntryName } from '../../core/archive/tar-path.js';
import { decompressedStream, type Compression } from './compression.js';
import { bundleInvalid, firstMember, walkTar } from './tar-walk.js';

export interface OpenedIndex {
  index: BundleIndex;
  /** Hex sha256 of the index bytes as stored: what a signature covers. */
  indexSha256: string;
}

/** The index of a bundle whose first member is `dam-bundle.json`; undefined when the first member is not it. */
export async function readIndex(path: string, compression: Compression): Promise<OpenedIndex | undefined> {
  const first = await firstMember(decompressedStream(path, compression), path, INDEX_MAX_BYTES);
  if (!first || first.name !== INDEX_MEMBER) return undefined;
  if (!first.data)
    throw bundleInvalid(path, `its index '${INDEX_MEMBER}' is not a regular file of at most ${INDEX_MAX_BYTES} bytes`);
  return { index: parseBundleIndex(first.data, path), indexSha256: sha256Hex(first.data) };
}

/** What a handler saw of a blob: its size and hex sha256, checked against the index. */
export interface ObservedBlob {
  size: number;
  sha256: string;
}

/** Consumes a blob's bytes and says what it saw (see metaChecker, which hashes while it reads). */
export type BlobHandler = (blob: IndexBlob, body: Readable) => Promise<ObservedBlob>;

/**
 * One pass over the bundle: the index must be the one opened (same sha256), then every blob the index lists
 * exactly once, each checked with what `onBlob` saw while it consumed it. ARCHIVE_INVALID naming the member on any fault.
 */
export async function walkBundle(
  path: string,
  compression: Compression,
  indexSha256: string,
  options: { signal?: AbortSignal | undefined },
  onBlob: BlobHandler,
): Promise<BundleIndex> {
  let index: BundleIndex | undefined;
  const blobs = new Map<string, IndexBlob>();
  const seen = new Set<string>();
  await walkTar(decompressedStream(path, compression), { path, signal: options.signal }, async (header, body) => {
    const n = normalizeEntryName(header.name);
    if (n.kind === 'invalid') throw bundleInvalid(path, `member '${header.name}' escapes the archive (${n.reason})`);
    const name = n.kind === 'root' ? '' : n.path;
    if (name !== header.name) throw bundleInvalid(path, `member '${header.name}' is not a plain relative name`);
    if (seen.has(name)) throw bundleInvalid(path, `member '${name}' appears twice`);
    seen.add(name);
    if (header.type !== 'file')
      throw bundleInvalid(path, `member '${name}' is a ${header.type ?? 'special entry'}, not a regular file`);
    if (!index) {
      if (name !== INDEX_MEMBER)
        throw bundleInvalid(path, `its first member is '${name}', not the index '${INDEX_MEMBER}'`);
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of body as AsyncIterable<Buffer>) {
        size += c.length;
        if (size > INDEX_MAX_BYTES) throw bundleInvalid(path, `its index is larger than ${INDEX_MAX_BYTES} bytes`);
        chunks.push(c);
      }
      const data = Buffer.concat(chunks);
      if (sha256Hex(data) !== indexSha256)
        throw bundleInvalid(
          path,
          'its index changed since the bundle was opened',
          'Do not change the file while DAM reads it; run the command again.',
        );
      index = parseBundleIndex(data, path);
      for (const b of index.blobs) blobs.set(b.name, b);
      return;
    }
    const blob = blobs.get(name);
    if (!blob) throw bundleInvalid(path, `member '${name}' is not listed in the index`);
    if (header.size !== blob.size)
      throw bundleInvalid(path, `member '${name}' is ${header.size ?? 0} bytes, the index says ${blob.size}`);
    const { size, sha256: digest } = await onBlob(blob, body);
    if (size !== blob.size) throw bundleInvalid(path, `member '${name}' is truncated: ${size} of ${blob.size} bytes`);
    if (digest !== blob.sha256)
      throw bundleInvalid(path, `member '${name}' has sha256 ${digest}, the index says ${blob.sha256}`);
  });
  if (!index) throw bundleInvalid(path, `it has no index '${INDEX_MEMBER}'`);
  const missing = index.blobs.filter((b) => !seen.has(b.name));
  if (missing.length > 0)
    throw bundleInvalid(
      path,
      `member '${missing[0]!.name}' is missing${missing.length > 1 ? ` (and ${missing.length - 1} more)` : ''}`,
    );
  return index;
}
