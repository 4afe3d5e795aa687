// Writing a bundle file: a tar, optionally compressed, into a new temporary sibling of FILE (O_EXCL, see
// store/atomic.ts), fsynced and renamed over FILE once everything was written. On any error the tar is
// broken off and the temporary file removed, so FILE is either the old one or the whole new one.
import { createWriteStream } from 'node:fs';
import { Transform, type Duplex, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { commitTemp, discardTemp, tempSibling } from '../store/atomic.js';

export interface PackedFileOptions {
  /** Compresses the tar on its way to the file. */
  compress?: Duplex;
  /** Bytes written to the file so far. */
  onProgress?: (bytes: number) => void;
  signal?: AbortSignal;
}

/** Writes `out` from the members `fill` adds to the tar; the file's size. */
export async function writePackedFile(
  out: string,
  options: PackedFileOptions,
  fill: (pack: tar.Pack) => Promise<void>,
): Promise<number> {
  const partial = tempSibling(out);
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      options.onProgress?.(bytes);
      cb(null, chunk);
    },
  });
  const pack = tar.pack();
  const stages = [
    pack as unknown as Readable,
    ...(options.compress ? [options.compress] : []),
    counter,
    createWriteStream(partial, { flags: 'wx', mode: 0o644 }),
  ];
  const writing = pipeline(stages, options.signal ? { signal: options.signal } : {});
  writing.catch(() => undefined);
  try {
    await fill(pack);
    pack.finalize();
    await writing;
    await commitTemp(partial, out);
  } catch (err) {
    pack.destroy(err instanceof Error ? err : new Error(String(err)));
    await writing.catch(() => undefined);
    await discardTemp(partial);
    throw err;
  }
  return bytes;
}
