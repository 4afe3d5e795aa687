// A self-contained product (`dam export --all --self-contained`, a `.run` file): DAM's single executable,
// then a bundle, then a 32-byte trailer saying where the bundle starts. The executable ignores the bytes
// appended to it; DAM finds the bundle by the trailer and reads it as it reads any bundle, with every check.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { errnoCode } from '../../core/errors.js';

/** "DAM-RUN" and a format number: a trailer of another version is not read as this one. */
const MAGIC = Buffer.from('DAM-RUN\u0001', 'latin1');
export const TRAILER_BYTES = 32;

/** Where a bundle sits in a file: from `start` (inclusive) to `end` (exclusive). */
export interface Region {
  start: number;
  end: number;
}

/** The trailer for a bundle of `length` bytes placed at `offset`: magic, offset, length, reserved. */
export function trailer(offset: number, length: number): Buffer {
  const out = Buffer.alloc(TRAILER_BYTES);
  MAGIC.copy(out, 0);
  out.writeBigUInt64BE(BigInt(offset), 8);
  out.writeBigUInt64BE(BigInt(length), 16);
  return out;
}

/** The region a valid trailer describes in a file of `size` bytes, or undefined. */
export function parseTrailer(bytes: Buffer, size: number): Region | undefined {
  if (bytes.length !== TRAILER_BYTES || !bytes.subarray(0, 8).equals(MAGIC)) return undefined;
  const start = Number(bytes.readBigUInt64BE(8));
  const length = Number(bytes.readBigUInt64BE(16));
  // The bundle must end exactly where the trailer begins: a trailer copied onto another file is not honoured.
  if (start <= 0 || length <= 0 || start + length + TRAILER_BYTES !== size) return undefined;
  return { start, end: start + length };
}

/**
 * The embedded bundle of a self-contained product, or undefined for any other file (and for a file that
 * cannot be opened: the caller's own read reports that). Synchronous: one small read, at the file's end.
 */
export function embeddedBundle(path: string): Region | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if (['ENOENT', 'EACCES', 'EPERM'].includes(errnoCode(err) ?? '')) return undefined;
    throw err;
  }
  try {
    const stats = fstatSync(fd);
    const size = stats.size;
    if (!stats.isFile() || size < TRAILER_BYTES * 2) return undefined;
    const bytes = Buffer.alloc(TRAILER_BYTES);
    readSync(fd, bytes, 0, TRAILER_BYTES, size - TRAILER_BYTES);
    return parseTrailer(bytes, size);
  } finally {
    closeSync(fd);
  }
}
