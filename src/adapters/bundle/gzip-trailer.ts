// The unpacked size a gzip'd layer announces in its trailer (ISIZE, the last 4 bytes of a gzip member), read
// out of a plain-tar bundle by walking its tar headers with small positioned reads. A load sends the engine
// the layer DAM inflates anyway, uncompressed, instead of the gzip the engine would inflate a second time;
// a tar entry needs its size before its bytes, and a registry's blob says it nowhere else. ISIZE is a hint
// only: it is the size modulo 2^32 and, for a multi-member gzip, the last member's. The loader counts what
// it inflates against it and, where it differs, loads again sending that layer as it is (oci-load.ts).
import { open } from 'node:fs/promises';
import { blobMember, type Blob2 } from '../../core/bundle/index-format2.js';
import { embeddedBundle } from './self-contained.js';
import { isTarHeader } from './tar-walk.js';

const BLOCK = 512;

function field(block: Buffer, start: number, length: number): string {
  const raw = block.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString('utf8');
}

/** A header's member name and body size; undefined where the header uses an encoding DAM does not write. */
function decodeHeader(block: Buffer): { name: string; size: number; type: string } | undefined {
  if (!isTarHeader(block) || (block[124]! & 0x80) !== 0) return undefined;
  const size = parseInt(field(block, 124, 12).trim() || '0', 8);
  const prefix = block.subarray(257, 262).toString('latin1') === 'ustar' ? field(block, 345, 155) : '';
  const name = field(block, 0, 100);
  return Number.isFinite(size)
    ? { name: prefix ? `${prefix}/${name}` : name, size, type: String.fromCharCode(block[156] || 0x30) }
    : undefined;
}

/**
 * The trailer sizes of the gzip'd blobs among `blobs`, by digest. Stops quietly at anything unexpected
 * (an extended header, a short read): a layer without a hint is sent as it is stored.
 */
export async function gzipTrailerSizes(path: string, blobs: readonly Blob2[]): Promise<Map<string, number>> {
  const byMember = new Map(blobs.map((b) => [blobMember(b.digest), b]));
  const out = new Map<string, number>();
  if (byMember.size === 0) return out;
  const region = embeddedBundle(path);
  const end = region?.end ?? Number.POSITIVE_INFINITY;
  const file = await open(path, 'r');
  try {
    const block = Buffer.alloc(BLOCK);
    const tail = Buffer.alloc(4);
    for (let at = region?.start ?? 0; at + BLOCK <= end && out.size < byMember.size;) {
      if ((await file.read(block, 0, BLOCK, at)).bytesRead < BLOCK) break;
      const header = decodeHeader(block);
      if (!header || header.type !== '0') break;
      const blob = byMember.get(header.name);
      if (
        blob &&
        header.size === blob.size &&
        blob.size >= 18 &&
        (await file.read(tail, 0, 4, at + BLOCK + blob.size - 4)).bytesRead === 4
      )
        out.set(blob.digest, tail.readUInt32LE(0));
      at += BLOCK + Math.ceil(header.size / BLOCK) * BLOCK;
    }
  } finally {
    await file.close();
  }
  return out;
}
