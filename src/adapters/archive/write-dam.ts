// Writes a DAM `.dam` file: the engine's `docker save` of an image id, streamed and re-tarred with
// manifest.json's RepoTags set to the app's tag, gzip'd (no name, mtime 0, like DAM 1.x), checksummed with
// CRC-32 while it is written, fsync'd and renamed into place. Memory stays flat whatever the image size:
// only manifest.json is held in memory.
import { createWriteStream } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Duplex, PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import * as tar from 'tar-stream';
import { DamError } from '../../core/errors.js';
import type { SaveArchiveOptions, SavedArchive } from '../../core/ports/host.js';
import type { Engine } from '../../core/ports/engine.js';
import { createCrc32, formatDamName } from '../../core/archive/dam-name.js';
import { parseLegacyManifest } from '../../core/archive/docker-save.js';
import { normalizeEntryName } from '../../core/archive/tar-path.js';
import { commitTemp, discardTemp, tempSibling } from '../store/atomic.js';

/**
 * gzip's and Go's default, as DAM 1.x wrote. Measured by bench/save.ts on a 270 MB image (2 CPUs): level 6
 * takes 0.74x the time of `docker save | gzip` for a file 2% larger than gzip's; level 1 takes 0.45x but
 * the file is 12% larger, level 3 0.51x and 8%. Files made to be carried offline favour size, and level 6
 * already meets the 1.0x target.
 */
export const DEFAULT_GZIP_LEVEL = 6;
const MANIFEST_MAX = 8 * 1024 * 1024;

export type WriteDamOptions = SaveArchiveOptions;
export type WrittenDam = SavedArchive;

/**
 * Saves `imageRef` (a tag or id of a local image) as a `.dam` file. NOT_FOUND when the image is not local.
 * The file appears complete or not at all: it is written under a temporary name in the same folder, which
 * is removed on any error, and renamed after fsync. An existing file of the final name is replaced.
 */
export async function writeDam(engine: Engine, imageRef: string, options: WriteDamOptions): Promise<WrittenDam> {
  const image = await engine.inspectImage(imageRef);
  if (!image)
    throw new DamError(
      'NOT_FOUND',
      `The image '${imageRef}' is not in the local Docker cache.`,
      `Pull it (docker pull ${imageRef}) or install it (dam install ...) first.`,
    );
  const dir = options.outPath ? dirname(options.outPath) : (options.dir ?? '.');
  // A unique temporary name in the final folder: rename is then atomic, and two saves never collide.
  const stem = options.outPath ? basename(options.outPath) : `${options.name}-${options.version}.dam`;
  const temp = tempSibling(stem, dir);
  const crc = createCrc32();
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      crc.update(chunk);
      bytes += chunk.length;
      options.onProgress?.(bytes);
      cb(null, chunk);
    },
  });
  try {
    const saved = await engine.save([image.id], options.signal ? { signal: options.signal } : {});
    const signal = options.signal ? { signal: options.signal } : {};
    await pipeline(
      [
        saved,
        retag(options.tag, imageRef),
        createGzip({ level: options.gzipLevel ?? DEFAULT_GZIP_LEVEL }),
        tap,
        createWriteStream(temp, { flags: 'wx', mode: 0o644 }),
      ],
      signal,
    );
    const path = options.outPath ?? join(dir, formatDamName(options.name, options.version, crc.value));
    await commitTemp(temp, path);
    return { path, crc32: crc.hex, bytes, tag: options.tag, imageId: image.id };
  } catch (err) {
    await discardTemp(temp);
    throw err;
  }
}

/**
 * A duplex that reads a docker-save tar and writes it again with plain relative member names, owner root,
 * and manifest.json's RepoTags replaced by `[tag]` (parsed and re-serialised, wherever it comes in the stream).
 */
export function retag(tag: string, imageRef: string): NodeJS.ReadWriteStream {
  const extract = tar.extract();
  const out = tar.pack();
  const engineError = (what: string) =>
    new DamError(
      'ENGINE_ERROR',
      `The engine's save of '${imageRef}' is unusable: ${what}.`,
      'Check the engine (docker save) and try again.',
    );
  let sawManifest = false;
  extract.on('entry', (header, body, next) => {
    const run = async () => {
      const n = normalizeEntryName(header.name);
      if (n.kind === 'invalid') throw engineError(`member '${header.name}' ${n.reason}`);
      if (n.kind === 'root') return void body.resume();
      const base = {
        name: n.path,
        mode: header.mode,
        mtime: header.mtime,
        type: header.type,
        uid: 0,
        gid: 0,
        uname: '',
        gname: '',
      };
      if (n.path === 'manifest.json') {
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const c of body as AsyncIterable<Buffer>) {
          size += c.length;
          if (size > MANIFEST_MAX) throw engineError('manifest.json is too large');
          chunks.push(c);
        }
        const data = Buffer.from(JSON.stringify(rewriteManifest(Buffer.concat(chunks), tag, imageRef)));
        sawManifest = true;
        await new Promise<void>((resolve, reject) =>
          out.entry({ ...base, size: data.length }, data, (err) => (err ? reject(err) : resolve())),
        );
        return;
      }
      if (header.type === 'symlink' || header.type === 'link') {
        body.resume();
        await new Promise<void>((resolve, reject) =>
          out.entry({ ...base, linkname: header.linkname, size: 0 }, (err) => (err ? reject(err) : resolve())),
        );
        return;
      }
      const sink = out.entry({ ...base, size: header.size }) as unknown as NodeJS.WritableStream;
      await pipeline(body as unknown as Readable, sink);
    };
    run().then(
      () => next(),
      (err: unknown) => {
        // next(err) destroys the entry's body with the error too: nobody else listens to it.
        body.on('error', () => undefined);
        body.resume();
        next(err as Error);
      },
    );
  });
  const output = new PassThrough();
  // The two halves run as one stream: bytes in go to the parser, the re-packed tar comes out.
  const input = new PassThrough();
  void pipeline(input, extract as unknown as NodeJS.WritableStream)
    .then(() => {
      if (!sawManifest) throw engineError('it has no manifest.json');
      out.finalize();
    })
    .catch((err: unknown) => {
      (out as unknown as Readable).destroy(err as Error);
    });
  (out as unknown as Readable).on('error', (err) => output.destroy(err));
  (out as unknown as Readable).pipe(output);
  return Duplex.from({ writable: input, readable: output });
}

function rewriteManifest(data: Buffer, tag: string, imageRef: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(data.toString('utf8'));
  } catch {
    throw new DamError('ENGINE_ERROR', `The engine's save of '${imageRef}' has a manifest.json that is not JSON.`);
  }
  parseLegacyManifest(json, `save of ${basename(imageRef)}`);
  const entries = json as Record<string, unknown>[];
  if (entries.length !== 1)
    throw new DamError(
      'ENGINE_ERROR',
      `The engine's save of '${imageRef}' holds ${entries.length} images, expected 1.`,
    );
  return entries.map((e) => ({ ...e, RepoTags: [tag] }));
}
