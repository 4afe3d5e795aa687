// Reads a bundle of format 2 (an OCI image layout in a plain tar, DAM's index first): opens its index, and
// walks it once checking every member: the index is the one opened, `oci-layout` and `index.json` are what
// the index implies, and every blob the index lists appears once, a regular file of its size and sha256.
// Nothing else may be in the tar. Nothing is unpacked to disk.
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { INDEX_MAX_BYTES, INDEX_MEMBER, parseMetaListing, sha256Hex } from '../../core/bundle/index-format.js';
import {
  blobMember,
  BUNDLE_FORMAT_2,
  OCI_INDEX_MEMBER,
  OCI_LAYOUT,
  OCI_LAYOUT_MEMBER,
  ociMembers,
  parseBundleIndex2,
  type Blob2,
  type BundleIndex2,
  type ResolvedImage2,
} from '../../core/bundle/index-format2.js';
import { normalizeEntryName } from '../../core/archive/tar-path.js';
import { decompressedStream } from './compression.js';
import { bundleInvalid, firstMember, walkTar } from './tar-walk.js';

export interface OpenedIndex2 {
  index: BundleIndex2;
  images: ResolvedImage2[];
  indexSha256: string;
}

export function parseIndex2(data: Buffer, path: string): { index: BundleIndex2; images: ResolvedImage2[] } | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
  if ((raw as { format?: unknown } | null)?.format !== BUNDLE_FORMAT_2) return undefined;
  return parseBundleIndex2(raw, data, path, (at, v) => parseMetaListing(path, at, v));
}

/** The index of a format 2 bundle (a plain tar whose first member is a format 2 index); undefined otherwise. */
export async function readIndex2(path: string): Promise<OpenedIndex2 | undefined> {
  const first = await firstMember(decompressedStream(path, 'none'), path, INDEX_MAX_BYTES);
  if (!first?.data || first.name !== INDEX_MEMBER) return undefined;
  const parsed = parseIndex2(first.data, path);
  return parsed ? { ...parsed, indexSha256: sha256Hex(first.data) } : undefined;
}

async function readAll(body: Readable, path: string, name: string, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of body as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > max) throw bundleInvalid(path, `member '${name}' is larger than ${max} bytes`);
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

/** Hashes a blob's bytes as the handler consumes them; the walk compares size and digest at its end. */
export type Blob2Handler = (blob: Blob2, body: Readable) => Promise<void>;

/**
 * One pass over a format 2 bundle: its index must have `indexSha256`; `onBlob` consumes each listed blob
 * (piping it somewhere or dropping it) while the walk checks size and sha256; ARCHIVE_INVALID on any fault,
 * raised before the walk returns, so a caller holding back a load's end sends nothing unchecked.
 */
export async function walkBundle2(
  path: string,
  indexSha256: string,
  options: {
    signal?: AbortSignal | undefined;
    /**
     * Blobs whose content the handler checks itself (a layer it inflates and holds to its diff id, from the
     * verified config): for those the walk checks the size only, and the handler must refuse any other content.
     */
    checkedByHandler?: (blob: Blob2) => boolean;
  },
  onBlob: Blob2Handler,
  onIndex?: (opened: OpenedIndex2) => void,
): Promise<OpenedIndex2> {
  let opened: OpenedIndex2 | undefined;
  const blobs = new Map<string, Blob2>();
  const seen = new Set<string>();
  const fixed = [INDEX_MEMBER, OCI_LAYOUT_MEMBER, OCI_INDEX_MEMBER];
  await walkTar(decompressedStream(path, 'none'), { path, signal: options.signal }, async (header, body) => {
    const n = normalizeEntryName(header.name);
    const name = n.kind === 'path' ? n.path : header.name;
    if (n.kind !== 'path' || name !== header.name)
      throw bundleInvalid(path, `member '${header.name}' is not a plain relative name`);
    if (seen.has(name)) throw bundleInvalid(path, `member '${name}' appears twice`);
    if (header.type !== 'file')
      throw bundleInvalid(path, `member '${name}' is a ${header.type ?? 'special entry'}, not a regular file`);
    const position = seen.size;
    seen.add(name);
    if (position < fixed.length) {
      if (name !== fixed[position])
        throw bundleInvalid(path, `member ${position + 1} is '${name}', not '${fixed[position]}'`);
      const data = await readAll(body, path, name, INDEX_MAX_BYTES);
      if (position === 0) {
        if (sha256Hex(data) !== indexSha256)
          throw bundleInvalid(
            path,
            'its index changed since the bundle was opened',
            'Do not change the file while DAM reads it; run the command again.',
          );
        const parsed = parseIndex2(data, path);
        if (!parsed) throw bundleInvalid(path, 'its index is not of format 2');
        opened = { ...parsed, indexSha256 };
        for (const b of parsed.index.blobs) blobs.set(blobMember(b.digest), b);
        onIndex?.(opened);
      } else {
        const expected = position === 1 ? OCI_LAYOUT : ociMembers(opened!.images).indexJson;
        if (data.toString('utf8') !== expected)
          throw bundleInvalid(path, `member '${name}' differs from what its index implies`);
      }
      return;
    }
    const blob = blobs.get(name);
    if (!blob) throw bundleInvalid(path, `member '${name}' is not listed in the index`);
    if (header.size !== blob.size)
      throw bundleInvalid(path, `member '${name}' is ${header.size ?? 0} bytes, the index says ${blob.size}`);
    const hash = options.checkedByHandler?.(blob) ? undefined : createHash('sha256');
    let size = 0;
    // A tap, not a 'data' listener: the handler may wait (a HEAD request) before it reads.
    const tap = new Transform({
      transform(c: Buffer, _enc, cb) {
        size += c.length;
        hash?.update(c);
        cb(null, c);
      },
    });
    body.once('error', (err) => tap.destroy(err));
    body.pipe(tap);
    await onBlob(blob, tap);
    if (size !== blob.size) throw bundleInvalid(path, `member '${name}' is truncated: ${size} of ${blob.size} bytes`);
    const digest = hash ? `sha256:${hash.digest('hex')}` : blob.digest;
    if (digest !== blob.digest)
      throw bundleInvalid(path, `member '${name}' has content ${digest}, the index says ${blob.digest}`);
  });
  if (!opened) throw bundleInvalid(path, `it has no index '${INDEX_MEMBER}'`);
  const missing = [...blobs.keys()].filter((name) => !seen.has(name));
  if (missing.length > 0)
    throw bundleInvalid(
      path,
      `member '${missing[0]}' is missing${missing.length > 1 ? ` (and ${missing.length - 1} more)` : ''}`,
    );
  return opened;
}

export async function verifyBundle2(path: string, indexSha256: string, signal?: AbortSignal): Promise<void> {
  await walkBundle2(path, indexSha256, { signal }, async (_blob, body) => {
    body.resume();
    await new Promise<void>((resolve, reject) => {
      body.once('end', resolve);
      body.once('error', reject);
    });
  });
}
