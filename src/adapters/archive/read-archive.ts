// Reads an image archive without the engine and without unpacking it: a DAM `.dam` file (gzip'd docker-save
// tar), or a plain docker-save tar or tar.gz (gzip is detected by its magic bytes, not by the name). One
// streaming pass checks gzip and tar integrity, the CRC-32 in a DAM 1.x file name, every member's name and
// type, and each layer's digest against the image config; memory stays flat whatever the image size.
import { createReadStream } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { DamError, errnoCode, isDamError } from '../../core/errors.js';
import { createCrc32, parseDamName } from '../../core/archive/dam-name.js';
import { mergeLayers } from '../../core/archive/layer-merge.js';
import { passedAt, unpackBudget, unpackRefused } from '../../core/archive/unpack-budget.js';
import { unpackLimit } from './engine-space.js';
import { writeTreeAtomically } from '../fs/safe-extract.js';
import { trackReads } from '../fs/read-position.js';
import { archiveInvalid, META_ROOT, scanImage, type ImageScan } from './scan-image.js';
import type { SaveStream } from './save-stream.js';

export { archiveInvalid } from './scan-image.js';

export interface ArchiveInfo {
  path: string;
  /** Whether the file is gzip-compressed (a `.dam` always is). */
  compressed: boolean;
  layout: 'legacy' | 'oci';
  /** RepoTags from the manifest: the tags `docker load` will give the image. */
  tags: string[];
  labels: Record<string, string>;
  /** `sha256:...`, the id the engine will give the image. */
  imageId: string;
  /** Bottom first. `size` is the member's size as stored. */
  layers: { diffId: string; size: number }[];
  /** Size of the archive file in bytes. */
  size: number;
  /** The CRC-32 from a DAM 1.x file name, checked against the file; absent when the name has none. */
  crc32?: string;
}

export interface InspectOptions {
  signal?: AbortSignal;
  /** Forward each layer into this stream as it is read (an install; see save-stream.ts). */
  forward?: SaveStream;
  /** Also compute the sha256 of the file as read, in the same pass (a signed archive's pin). */
  sha256?: boolean;
  /** Free bytes where the engine keeps its images, when known: the archive may not unpack to more. */
  freeBytes?: number;
}

/** What a pass over the file read, beyond the image: the sha256 when asked, and what a load needs. */
export interface ScannedArchive {
  info: ArchiveInfo;
  sha256?: string;
  load?: ImageScan['load'];
}

/** Verifies an archive and reports the image it holds. Throws ARCHIVE_INVALID naming the file and the fault. */
export async function inspectArchive(path: string, options: InspectOptions = {}): Promise<ArchiveInfo> {
  return (await scanArchive(path, { ...options, meta: false })).info;
}

/**
 * Verifies the archive like inspectArchive and, in the same pass, writes the image's `/meta` folder (the
 * layers stacked top over bottom, whiteouts honoured) into `destDir`, atomically. NOT_FOUND when the image
 * has no `/meta`; ARCHIVE_INVALID when an entry of it is unsafe (see safe-extract).
 */
export async function extractMetaFromLayers(
  path: string,
  destDir: string,
  options: InspectOptions & { replace?: boolean } = {},
): Promise<ScannedArchive> {
  const { scan, ...rest } = await scanArchive(path, { ...options, meta: true });
  const merged = mergeLayers(scan.layerMeta, META_ROOT);
  if (merged.kind === 'missing')
    throw new DamError(
      'NOT_FOUND',
      `The image in archive '${path}' has no /meta folder.`,
      'A DAM app image carries /meta/install and /meta/uninstall; build it with `dam create`.',
    );
  if (merged.kind === 'not-a-folder')
    throw archiveInvalid(
      path,
      `/meta in the image is a ${merged.type}, not a folder`,
      'Rebuild the image with /meta as a real folder.',
    );
  await writeTreeAtomically(
    destDir,
    async (tree) => {
      for (const e of merged.entries)
        await tree.add(
          { path: e.path, type: e.type, mode: e.mode, ...(e.linkname !== undefined ? { linkname: e.linkname } : {}) },
          e.data,
        );
    },
    { replace: options.replace, source: `the /meta folder of archive '${path}'` },
  );
  return rest;
}

async function scanArchive(
  path: string,
  options: InspectOptions & { meta: boolean },
): Promise<ScannedArchive & { scan: ImageScan }> {
  // One open for the whole pass: the bytes sniffed, sized and streamed are those of one file, read once.
  const { handle, size, compressed } = await openArchive(path);
  const named = parseDamName(basename(path));
  let scan: ImageScan;
  try {
    scan = await scanImage(trackReads(path, handle.createReadStream({ highWaterMark: 1 << 20, start: 0 })), {
      source: path,
      compressed,
      maxTarBytes: unpackLimit(size, compressed, options.freeBytes),
      // A layer stored gzip'd inside (an OCI layout) inflates too: the rule holds for those bytes as well.
      unpack: unpackBudget(unpackLimit(size, true, options.freeBytes), (layer, bound) =>
        unpackRefused('archive', path, passedAt(bound, `'${layer}'`)),
      ),
      meta: options.meta,
      crc: named !== undefined,
      sha256: options.sha256 === true,
      ...(options.forward ? { forward: options.forward } : {}),
      signal: options.signal,
    });
  } catch (err) {
    if (options.signal?.aborted || !named || !isDamError(err, 'ARCHIVE_INVALID')) throw err;
    // A damaged 1.x file is best described by its checksum, when that is what broke.
    if ((await crcOfFile(path)) !== named.crc32) throw crcMismatch(path, named.crc32, err.message);
    throw err;
  }
  if (named && scan.raw.crc32 !== named.crc32) throw crcMismatch(path, named.crc32);
  if (named?.size !== undefined && named.size !== scan.raw.size)
    throw archiveInvalid(path, `its size is ${scan.raw.size} bytes but its name says ${named.size}`);
  const { plan } = scan;
  const info: ArchiveInfo = {
    path,
    compressed,
    layout: scan.layout,
    tags: plan.repoTags,
    labels: plan.labels,
    imageId: plan.imageId,
    layers: plan.layers.map((l, i) => ({ diffId: l.diffId, size: scan.layerSizes[i]! })),
    size: scan.raw.size,
  };
  if (named) info.crc32 = named.crc32;
  return {
    info,
    scan,
    ...(scan.raw.sha256 !== undefined ? { sha256: scan.raw.sha256 } : {}),
    ...(scan.load ? { load: scan.load } : {}),
  };
}

function crcMismatch(path: string, expected: string, detail?: string): DamError {
  return new DamError(
    'ARCHIVE_INVALID',
    `The archive '${path}' is damaged: its CRC-32 does not match the ${expected} in its name${detail ? ` (${detail})` : ''}.`,
    'Copy the file again from its source; it was changed or cut short.',
  );
}

async function openArchive(path: string): Promise<{ handle: FileHandle; size: number; compressed: boolean }> {
  try {
    if (!(await stat(path)).isFile())
      throw archiveInvalid(
        path,
        'it is not a regular file',
        'Give the path of a `.dam` file or a `docker save` archive.',
      );
  } catch (err) {
    if (errnoCode(err) === 'ENOENT')
      throw new DamError('NOT_FOUND', `The archive '${path}' does not exist.`, 'Check the path.');
    throw err;
  }
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return { handle, size, compressed: bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

async function crcOfFile(path: string): Promise<string> {
  const crc = createCrc32();
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) crc.update(chunk);
  return crc.hex;
}
