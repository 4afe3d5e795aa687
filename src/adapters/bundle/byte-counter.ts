// Counts the bytes a bundle writer sends to its file, for its result and its progress.
import { Transform } from 'node:stream';

export interface ByteCounter {
  stream: Transform;
  /** Bytes passed so far. */
  bytes(): number;
}

export function byteCounter(onProgress?: (bytes: number) => void): ByteCounter {
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      onProgress?.(bytes);
      cb(null, chunk);
    },
  });
  return { stream, bytes: () => bytes };
}
