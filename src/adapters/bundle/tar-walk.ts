// Walks the members of a tar stream one by one with an async handler, and turns what can go wrong with a
// damaged file (corrupt or cut-short gzip, zstd or tar; no end-of-archive marker) into ARCHIVE_INVALID
// naming the file. The handler must consume or resume the body.
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { DamError } from '../../core/errors.js';
import { describeStreamFailure } from '../fs/safe-extract.js';

export type TarHeader = tar.Header;

export interface WalkOptions {
  /** The file, for messages. */
  path: string;
  signal?: AbortSignal | undefined;
}

export function bundleInvalid(
  path: string,
  what: string,
  hint = 'The bundle is damaged or incomplete: copy it again, or export it again (dam export --all).',
): DamError {
  return new DamError('ARCHIVE_INVALID', `The bundle '${path}' is invalid: ${what}.`, hint);
}

/** Calls `onEntry` for every member in order; resolves when the whole tar, end marker included, was read. */
export async function walkTar(
  source: Readable,
  options: WalkOptions,
  onEntry: (header: TarHeader, body: Readable) => Promise<void>,
): Promise<void> {
  let tail = Buffer.alloc(0);
  let total = 0;
  const tailTap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      total += chunk.length;
      tail =
        chunk.length >= 1024
          ? Buffer.from(chunk.subarray(chunk.length - 1024))
          : Buffer.concat([tail, chunk]).subarray(-1024);
      cb(null, chunk);
    },
  });
  const extract = tar.extract();
  extract.on('entry', (header, body, next) => {
    // The parser fails an entry's body with its own error (a cut-short stream) or ours: the pipeline
    // reports it once; a body a handler skipped must not raise it again as an uncaught error.
    body.on('error', () => undefined);
    onEntry(header, body as unknown as Readable).then(
      () => next(),
      (err: unknown) => {
        body.resume();
        next(err as Error);
      },
    );
  });
  try {
    await pipeline(
      [source, tailTap, extract as unknown as NodeJS.WritableStream],
      options.signal ? { signal: options.signal } : {},
    );
  } catch (err) {
    source.destroy();
    if (options.signal?.aborted) throw err;
    throw describeFailure(options.path, err);
  }
  if (total < 1024 || tail.some((b) => b !== 0))
    throw bundleInvalid(options.path, 'the tar stream is truncated (no end-of-archive marker)');
}

/** Reads the first member only (skipping a root folder entry), then stops reading. */
export async function firstMember(
  source: Readable,
  path: string,
  maxBytes: number,
): Promise<{ name: string; type: string; data?: Buffer } | undefined> {
  const extract = tar.extract();
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err: unknown, value?: { name: string; type: string; data?: Buffer }) => {
      if (settled) return;
      settled = true;
      source.unpipe();
      source.destroy();
      extract.destroy();
      if (err) reject(describeFailure(path, err));
      else resolve(value);
    };
    extract.on('entry', (header, body, next) => {
      const name = header.name.replace(/^\/+/, '').replace(/\/+$/, '');
      if (name === '' || name === '.') {
        body.resume();
        next();
        return;
      }
      if (header.type !== 'file' || (header.size ?? 0) > maxBytes) {
        body.resume();
        finish(undefined, { name, type: header.type ?? 'file' });
        return;
      }
      const chunks: Buffer[] = [];
      body.on('data', (c: unknown) => void chunks.push(c as Buffer));
      body.on('end', () => finish(undefined, { name, type: 'file', data: Buffer.concat(chunks) }));
      body.on('error', (err: Error) => finish(err));
    });
    extract.on('finish', () => finish(undefined, undefined));
    extract.on('error', (err: Error) => finish(err));
    source.on('error', (err: Error) => finish(err));
    source.pipe(extract as unknown as NodeJS.WritableStream);
  });
}

export function describeFailure(path: string, err: unknown): Error {
  return describeStreamFailure(err, (what) => bundleInvalid(path, what));
}

/** Whether a 512-byte block is a tar header: its checksum field matches its bytes. */
export function isTarHeader(block: Buffer): boolean {
  if (block.length < 512) return false;
  const field = block
    .subarray(148, 156)
    .toString('latin1')
    .replace(/[\0 ]+$/g, '')
    .trim();
  if (!/^[0-7]{1,7}$/.test(field)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return sum === parseInt(field, 8);
}
