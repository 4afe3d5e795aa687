// The outer compression of a bundle: gzip through zlib, zstd through Node's zlib where it has zstd (22.15 and
// newer) and else the `zstd` program, or none. Detected by magic bytes, never by the file name. A
// self-contained product (an executable with a bundle appended) is read from where its bundle starts.
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { Duplex, PassThrough, type Readable, type Writable } from 'node:stream';
import * as zlib from 'node:zlib';
import { DamError, errnoCode } from '../../core/errors.js';
import { embeddedBundle } from './self-contained.js';
import { openRegularFile } from '../fs/regular-file.js';
import { trackReads } from '../fs/read-position.js';
import { forBulkStreaming } from '../process/bulk-gc.js';

import { COMPRESSIONS, type Compression } from '../../core/ports/bundle-write.js';

export { COMPRESSIONS, type Compression };

/** gzip level 6 (zlib's default): a bundle is written once and carried, so size beats speed (see docs/decisions/0004). */
export const GZIP_LEVEL = 6;
export const ZSTD_LEVEL = 3;
// Read when used, not at load: the executables start from a snapshot taken at build time (src/main.ts).
const zstdProgram = () => process.env.DAM_ZSTD ?? 'zstd';
type ZstdFactory = (options?: { chunkSize?: number; params?: Record<number, number> }) => Duplex;
const nodeZstd = zlib as unknown as {
  createZstdCompress?: ZstdFactory;
  createZstdDecompress?: ZstdFactory;
  constants: Record<string, number>;
};
/** Whether Node's own zstd is used: where Node has it (22.15+), unless DAM_ZSTD names a program (the fallback, also for tests). */
export const usesNodeZstd = () =>
  process.env.DAM_ZSTD === undefined &&
  nodeZstd.createZstdCompress !== undefined &&
  nodeZstd.createZstdDecompress !== undefined;
let reportsTruncation: boolean | undefined;
/** Whether Node's zstd fails on a cut frame: Node 22's (22.15 to 22.23 at least) ends it quietly, short, so there the program inflates. */
function zstdReportsTruncation(): boolean {
  const z = zlib as unknown as { zstdCompressSync: (b: Buffer) => Buffer; zstdDecompressSync: (b: Buffer) => Buffer };
  if (reportsTruncation === undefined) {
    const frame = z.zstdCompressSync(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 31) % 253)));
    try {
      z.zstdDecompressSync(frame.subarray(0, frame.length - 8));
      reportsTruncation = false;
    } catch {
      reportsTruncation = true;
    }
  }
  return reportsTruncation;
}
/** Whether Node's own zstd inflates: where it is used and reports a cut bundle. */
export const inflatesWithNodeZstd = () => usesNodeZstd() && zstdReportsTruncation();
/**
 * Bundles are read and inflated in 1 MiB chunks: the stream stages after the read cost per chunk, not per
 * byte. 16 KiB (Node's default) doubled the load time of 256 KiB; 1 MiB takes a 200 MB load pipeline from
 * 0.9 s to 0.55 s of CPU (docs/decisions/0019-format-2-load-inflated-layers.md).
 */
export const CHUNK = 1024 * 1024;

/** The first bytes of the file: `head` for sniffing, and the compression they announce. */
export async function sniff(path: string, bytes = 512): Promise<{ compression: Compression; head: Buffer }> {
  const handle = await openRegularFile(path, 'archive');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(bytes), 0, bytes, embeddedBundle(path)?.start ?? 0);
    const head = buffer.subarray(0, bytesRead);
    if (head[0] === 0x1f && head[1] === 0x8b) return { compression: 'gzip', head };
    if (bytesRead >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return { compression: 'zstd', head };
    return { compression: 'none', head };
  } finally {
    await handle.close();
  }
}

function zstdMissing(): DamError {
  return new DamError(
    'NOT_FOUND',
    `The zstd program ('${zstdProgram()}') is not installed, and Node has no zstd of its own.`,
    'Install it (apt-get install zstd), or use --compress gzip.',
  );
}

/** Runs `zstd args`, its stdout as a stream that fails with its stderr when it exits non-zero. */
function zstdProcess(args: string[], what: string): { stdin: Writable | null; stdout: Readable } {
  const child = spawn(zstdProgram(), args, { stdio: [args.includes('--') ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  const out = new PassThrough();
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
  child.stdout?.pipe(out, { end: false });
  child.on('error', (err) => out.destroy(errnoCode(err) === 'ENOENT' ? zstdMissing() : err));
  child.on('close', (code, signal) => {
    if (code === 0) out.end();
    else
      out.destroy(
        new DamError(
          'ARCHIVE_INVALID',
          `${what}: zstd ${signal ? `was killed by ${signal}` : `exited with ${code}`}${stderr.trim() ? ` (${stderr.trim()})` : ''}.`,
          'The file is damaged or incomplete; copy or export it again.',
        ),
      );
  });
  out.on('close', () => {
    if (child.exitCode === null) child.kill();
  });
  child.stdin?.on('error', () => undefined);
  return { stdin: child.stdin, stdout: out };
}

/** The file's bytes (a self-contained product's: its bundle's), streamed. */
function rawStream(path: string): Readable {
  forBulkStreaming();
  const region = embeddedBundle(path);
  return trackReads(
    path,
    createReadStream(path, { highWaterMark: CHUNK, ...(region ? { start: region.start, end: region.end - 1 } : {}) }),
    region?.start ?? 0,
  );
}

/** `source` piped into `transform`, a failure of either failing the result. */
function through(source: Readable, transform: Duplex): Readable {
  source.on('error', (err) => transform.destroy(err));
  return source.pipe(transform);
}

/** Node's zstd, its failures (truncated or corrupt data) reported as the `zstd` program's are. */
function nodeZstdDecompressed(path: string, what: string): Readable {
  const out = new PassThrough();
  const inflate = through(rawStream(path), nodeZstd.createZstdDecompress!({ chunkSize: CHUNK }));
  inflate.on('error', (err) =>
    out.destroy(
      !errnoCode(err)?.startsWith('Z')
        ? err
        : new DamError(
            'ARCHIVE_INVALID',
            `${what}: ${err.message}.`,
            'The file is damaged or incomplete; copy or export it again.',
          ),
    ),
  );
  out.on('close', () => inflate.destroy());
  return inflate.pipe(out);
}

/** The decompressed content of the file, streamed. */
export function decompressedStream(path: string, compression: Compression): Readable {
  if (compression === 'none') return rawStream(path);
  if (compression === 'gzip') return through(rawStream(path), zlib.createGunzip({ chunkSize: CHUNK }));
  const what = `The bundle '${path}' could not be decompressed`;
  if (inflatesWithNodeZstd()) return nodeZstdDecompressed(path, what);
  if (!embeddedBundle(path)) return zstdProcess(['-dcq', '--', path], what).stdout;
  const { stdin, stdout } = zstdProcess(['-dcq'], what);
  if (stdin) through(rawStream(path), stdin as Duplex);
  return stdout;
}

/** A transform compressing what is written to it; undefined for none. */
export function compressor(compression: Compression): Duplex | undefined {
  if (compression === 'none') return undefined;
  if (compression === 'gzip') return zlib.createGzip({ level: GZIP_LEVEL });
  if (usesNodeZstd())
    return nodeZstd.createZstdCompress!({ params: { [nodeZstd.constants.ZSTD_c_compressionLevel!]: ZSTD_LEVEL } });
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
  if (compression !== 'zstd' || usesNodeZstd()) return;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(zstdProgram(), ['--version'], { stdio: 'ignore' });
    child.on('error', (err) => reject(errnoCode(err) === 'ENOENT' ? zstdMissing() : err));
    child.on('close', () => resolve());
  });
}
