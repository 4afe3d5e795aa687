// Inflates a gzip'd layer that is exactly one gzip member, without zlib's CRC-32 of the inflated bytes: the
// loader hashes every one of those bytes against the layer's diff id (from the verified config), a check the
// CRC adds nothing to, and the CRC cost a third of the inflate (measured: docs/benchmarks.md). The header is
// parsed here (core/archive/gzip-header.ts), zlib inflates the raw deflate data after it, and check() holds
// what is left against the trailer: exactly its 8 bytes, whose size field matches what was inflated.
// Anything else (a second member, data after the first) fails check(), and the caller takes the general way.
import { Duplex, Transform } from 'node:stream';
import { pipeline } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { gzipHeader } from '../../core/archive/gzip-header.js';

const TRAILER = 8;

export interface OneMemberGunzip {
  /** Takes the member's bytes, gives the inflated ones. */
  stream: Duplex;
  /** Once both sides ended: why the bytes were not one member of `inflated` bytes, or undefined. */
  check(inflated: number): string | undefined;
}

export function oneMemberGunzip(chunkSize: number): OneMemberGunzip {
  let pending: Buffer[] | undefined = [];
  let headerLength = 0;
  let total = 0;
  let tail = Buffer.alloc(0);
  const strip = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      total += chunk.length;
      tail =
        chunk.length >= TRAILER
          ? Buffer.from(chunk.subarray(-TRAILER))
          : Buffer.concat([tail, chunk]).subarray(-TRAILER);
      if (!pending) return cb(null, chunk);
      pending.push(chunk);
      const seen = Buffer.concat(pending);
      const header = gzipHeader(seen);
      if ('invalid' in header) return cb(new Error(header.invalid));
      if ('more' in header) return cb();
      pending = undefined;
      headerLength = header.length;
      cb(null, seen.subarray(header.length));
    },
  });
  const inflate = createInflateRaw({ chunkSize });
  pipeline(strip, inflate, () => undefined);
  return {
    stream: Duplex.from({ writable: strip, readable: inflate }),
    check(inflated) {
      if (pending) return 'its gzip header is cut off';
      const after = total - headerLength - inflate.bytesWritten;
      if (after < TRAILER) return 'its gzip trailer is cut off';
      if (after > TRAILER) return `it has ${after - TRAILER} bytes after its first gzip member`;
      if (tail.readUInt32LE(4) !== inflated % 2 ** 32) return 'its gzip trailer states another size';
      return undefined;
    },
  };
}
