// The outer compression of a bundle: gzip through zlib, zstd through the `zstd` program (Node 20's zlib has
// no zstd), or none. Detected by magic bytes, never by the file name.
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Duplex, PassThrough, type Readable, type Writable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { DamError, errnoCode } from '../../core/errors.js';

export type Compression = 'gzip' | 'zstd' | 'none';
export const COMPRESSIONS: readonly Compression[] = ['gzip', 'zstd', 'none'];

/** gzip level 6 (zlib's default): a bundle is written once and carried, so size beats speed (see docs/decisions/0004). */
export const GZIP_LEVEL = 6;
export const ZSTD_LEVEL = 3;
const ZSTD = process.env.DAM_ZSTD ?? 'zstd';
/** Read and inflate in 256 KiB chunks: with the 16 KiB default, per-chunk stream overhead doubled load time (bench/bundle.ts). */
const CHUNK = 256 * 1024;

/** The first bytes of the file: `head` for sniffing, and the compression they announce. */
export async function sniff(path: string, bytes = 512): Promise<{ compression: Compression; head: Buffer }> {
  const handle = await open(path, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(bytes), 0, bytes, 0);
    const head = buffer.subarray(0, bytesRead);
    if (head[0] === 0x1f && head[1] === 0x8b) return { compression: 'gzip', head };
    if (head.readUInt32LE(0) === 0xfd2fb528 && bytesRead >= 4) return { compression: 'zstd', head };
    return { compression: 'none', head };
  } finally {
    await handle.close();
  }
}

function zstdMissing(): DamError {
  return new DamError('NOT_FOUND', `The zstd program ('${ZSTD}') is not installed, and Node has no zstd of its own.`, 'Install it (apt-get install zstd), or use --compress gzip.');
}

/** Runs `zstd args`, its stdout as a stream that fails with its stderr when it exits non-zero. */
function zstdProcess(args: string[], what: string): { stdin: Writable | null; stdout: Readable } {
  const child = spawn(ZSTD, args, { stdio: [args.includes('-dcq') ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  const out = new PassThrough();
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
  child.stdout?.pipe(out, { end: false });
  child.on('error', (err) => out.destroy(errnoCode(err) === 'ENOENT' ? zstdMissing() : err));
  child.on('close', (code, signal) => {
    if (code === 0) out.end();
    else out.destroy(new DamError('ARCHIVE_INVALID', `${what}: zstd ${signal ? `was killed by ${signal}` : `exited with ${code}`}${stderr.trim() ? ` (${stderr.trim()})` : ''}.`, 'The file is damaged or incomplete; copy or export it again.'));
  });
  out.on('close', () => {
    if (child.exitCode === null) child.kill();
  });
  child.stdin?.on('error', () => undefined);
  return { stdin: child.stdin, stdout: out };
}

/** The decompressed content of the file, streamed. */
export function decompressedStream(path: string, compression: Compression): Readable {
  if (compression === 'none') return createReadStream(path, { highWaterMark: CHUNK });
  if (compression === 'gzip') {
    const gunzip = createGunzip({ chunkSize: CHUNK });
    const source = createReadStream(path, { highWaterMark: CHUNK });
    source.on('error', (err) => gunzip.destroy(err));
    return source.pipe(gunzip);
  }
  return zstdProcess(['-dcq', '--', path], `The bundle '${path}' could not be decompressed`).stdout;
}

/** A transform compressing what is written to it; undefined for none. */
export function compressor(compression: Compression): Duplex | undefined {
  if (compression === 'none') return undefined;
  if (compression === 'gzip') return createGzip({ level: GZIP_LEVEL });
  const { stdin, stdout } = zstdProcess(['-q', '-c', `-${ZSTD_LEVEL}`, '-T0'], 'Compressing the bundle failed');
  return Duplex.from({ writable: stdin ?? undefined, readable: stdout });
}

/** A transform inflating zstd through the `zstd` program. */
export function zstdInflater(what: string): Duplex {
  const { stdin, stdout } = zstdProcess(['-d', '-q', '-c'], `${what} could not be decompressed`);
  return Duplex.from({ writable: stdin ?? undefined, readable: stdout });
}

/** Fails early, before any engine work, when zstd is asked for and not installed. */
export async function checkCompressor(compression: Compression): Promise<void> {
  if (compression !== 'zstd') return;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(ZSTD, ['--version'], { stdio: 'ignore' });
    child.on('error', (err) => reject(errnoCode(err) === 'ENOENT' ? zstdMissing() : err));
    child.on('close', () => resolve());
  });
}
