// Reads an image archive without the engine and without unpacking it: a DAM `.dam` file (gzip'd docker-save
// tar), or a plain docker-save tar or tar.gz (gzip is detected by its magic bytes, not by the name). One
// streaming pass checks gzip and tar integrity, the CRC-32 in a DAM 1.x file name, every member's name and
// type, and each layer's digest against the image config; memory stays flat whatever the image size.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import * as tar from 'tar-stream';
import { DamError, errnoCode, isDamError } from '../../core/errors.js';
import { createCrc32, parseDamName } from '../../core/archive/dam-name.js';
import { blobPath, digestFromBlobPath, parseImageConfig, parseLegacyManifest, parseOciIndex, planImage, verifyImagePlan, type ImagePlan, type ManifestEntry } from '../../core/archive/docker-save.js';
import { mergeLayers } from '../../core/archive/layer-merge.js';
import { normalizeEntryName, resolveSymlinkTarget, safeEntryType } from '../../core/archive/tar-path.js';
import { followLinks, scanMember, type MemberRecord, type ScanBudget } from './member-scan.js';
import { describeStreamFailure, writeTreeAtomically } from '../fs/safe-extract.js';

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
  /**
   * Receives the archive's tar stream (decompressed when the file is gzip'd) as it is read, before it is
   * checked; the read waits for the returned promise (backpressure). Lets an install stream the archive into
   * the engine in the same pass, already decompressed, so the engine does not decompress it again.
   */
  mirror?: (chunk: Buffer) => Promise<void>;
}

const META_ROOT = 'meta';

export function archiveInvalid(path: string, what: string, hint = 'The file is damaged or incomplete: copy or create it again (`dam save`, `docker save`).'): DamError {
  return new DamError('ARCHIVE_INVALID', `The archive '${path}' is invalid: ${what}.`, hint);
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
export async function extractMetaFromLayers(path: string, destDir: string, options: InspectOptions & { replace?: boolean } = {}): Promise<ArchiveInfo> {
  const { info, layerMeta } = await scanArchive(path, { ...options, meta: true });
  const merged = mergeLayers(layerMeta, META_ROOT);
  if (merged.kind === 'missing') throw new DamError('NOT_FOUND', `The image in archive '${path}' has no /meta folder.`, 'A DAM app image carries /meta/install and /meta/uninstall; build it with `dam create`.');
  if (merged.kind === 'not-a-folder') throw archiveInvalid(path, `/meta in the image is a ${merged.type}, not a folder`, 'Rebuild the image with /meta as a real folder.');
  await writeTreeAtomically(destDir, async (tree) => {
    for (const e of merged.entries) await tree.add({ path: e.path, type: e.type, mode: e.mode, ...(e.linkname !== undefined ? { linkname: e.linkname } : {}) }, e.data);
  }, { replace: options.replace, source: `the /meta folder of archive '${path}'` });
  return info;
}

interface Scan {
  info: ArchiveInfo;
  layerMeta: NonNullable<MemberRecord['meta']>[];
}

async function scanArchive(path: string, options: InspectOptions & { meta: boolean }): Promise<Scan> {
  const size = await fileSize(path);
  const compressed = await hasGzipMagic(path);
  const named = parseDamName(basename(path));
  const crc = createCrc32();
  const members = new Map<string, MemberRecord>();
  const links = new Map<string, string>();
  const seen = new Set<string>();
  const budget: ScanBudget = { jsonBytes: 32 * 1024 * 1024, metaBytes: 64 * 1024 * 1024 };
  let tail = Buffer.alloc(0);
  let tarBytes = 0;

  const extract = tar.extract();
  extract.on('entry', (header, body, next) => {
    const run = async () => {
      const n = normalizeEntryName(header.name);
      if (n.kind === 'invalid') throw archiveInvalid(path, `member '${header.name}' ${n.reason}`);
      const type = safeEntryType(header.type);
      if ((header.type as string) === 'pax-global-header') return void body.resume();
      if (type === undefined) throw archiveInvalid(path, `member '${header.name}' is a ${header.type}; devices and FIFOs are not allowed`);
      if (n.kind === 'root') {
        if (type !== 'directory') throw archiveInvalid(path, `member '${header.name}' names the root but is not a folder`);
        return void body.resume();
      }
      const name = n.path;
      if (seen.has(name)) throw archiveInvalid(path, `member '${name}' appears twice`);
      seen.add(name);
      if (type === 'directory') return void body.resume();
      if (type === 'symlink' || type === 'link') {
        body.resume();
        const target = type === 'symlink' ? resolveSymlinkTarget(name, header.linkname ?? '') : linkTarget(header.linkname ?? '');
        if (target === undefined) throw archiveInvalid(path, `member '${name}' is a ${type === 'symlink' ? 'symbolic' : 'hard'} link pointing outside the archive ('${header.linkname ?? ''}')`);
        links.set(name, target);
        return;
      }
      const isLayerCandidate = /(^|\/)layer\.tar$/.test(name) || name.startsWith('blobs/');
      const record = await scanMember(body as unknown as Readable, name, {
        maybeJson: name.endsWith('.json') || name.startsWith('blobs/'),
        ...(options.meta && isLayerCandidate ? { metaRoot: META_ROOT } : {}),
        budget,
        source: path,
      });
      const expected = digestFromBlobPath(name);
      if (expected && record.digest !== expected) throw archiveInvalid(path, `member '${name}' has digest ${record.digest}, not the one in its name`);
      members.set(name, record);
    };
    run().then(() => next(), (err: unknown) => {
      body.resume();
      next(err as Error);
    });
  });

  const mirror = options.mirror;
  const crcTap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (named) crc.update(chunk);
      cb(null, chunk);
    },
  });
  const tailTap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      tarBytes += chunk.length;
      tail = chunk.length >= 1024 ? Buffer.from(chunk.subarray(chunk.length - 1024)) : Buffer.concat([tail, chunk]).subarray(-1024);
      if (!mirror) return cb(null, chunk);
      mirror(chunk).then(() => cb(null, chunk), (err: unknown) => cb(err as Error));
    },
  });
  try {
    const source = createReadStream(path, { highWaterMark: 1 << 20 });
    const stages = compressed ? [source, crcTap, createGunzip({ chunkSize: 1 << 18 }), tailTap, extract] : [source, crcTap, tailTap, extract];
    await pipeline(stages, options.signal ? { signal: options.signal } : {});
    if (tarBytes < 1024 || tail.some((b) => b !== 0)) throw archiveInvalid(path, 'the tar stream is truncated (no end-of-archive marker)');
  } catch (err) {
    if (options.signal?.aborted) throw err;
    const failure = describeFailure(path, err);
    if (named && (await crcOfFile(path)) !== named.crc32) throw crcMismatch(path, named.crc32, failure.message);
    throw failure;
  }
  if (named && crc.hex !== named.crc32) throw crcMismatch(path, named.crc32);
  if (named?.size !== undefined && named.size !== size) throw archiveInvalid(path, `its size is ${size} bytes but its name says ${named.size}`);

  const resolve = (name: string): MemberRecord | undefined => followLinks(members, links, name);
  const readJson = (name: string, what: string): unknown => {
    const record = resolve(name);
    if (!record) return undefined;
    if (!record.json) throw archiveInvalid(path, `${what} '${name}' is not a small JSON document`);
    try {
      return JSON.parse(record.json.toString('utf8'));
    } catch {
      throw archiveInvalid(path, `${what} '${name}' is not valid JSON`);
    }
  };

  let entries: ManifestEntry[];
  let layout: ArchiveInfo['layout'] = 'legacy';
  const manifest = readJson('manifest.json', 'member');
  if (manifest !== undefined) entries = parseLegacyManifest(manifest, path);
  else {
    const index = readJson('index.json', 'member');
    if (index === undefined) throw archiveInvalid(path, 'it has neither manifest.json nor index.json, so it is not a docker-save archive', 'Give a file made by `dam save` or `docker save`.');
    entries = parseOciIndex(index, (digest) => readJson(blobPath(digest), 'blob'), path);
    layout = 'oci';
  }
  if (entries.length !== 1) throw archiveInvalid(path, `it holds ${entries.length} images; an app archive holds exactly one`, 'Save one image per archive (`dam save APP`).');
  if (entries[0]!.layers.some((l) => l.startsWith('blobs/'))) layout = 'oci';
  const entry = entries[0]!;
  const configRecord = resolve(entry.config);
  if (!configRecord) throw archiveInvalid(path, `the image config '${entry.config}' is missing`);
  const plan: ImagePlan = planImage(entry, parseImageConfig(readJson(entry.config, 'config'), path, entry.config), configRecord.digest, path);
  const problems = verifyImagePlan(plan, resolve);
  if (problems.length > 0) throw archiveInvalid(path, problems.join('; '));

  const layerMeta = plan.layers.map((layer) => {
    const record = resolve(layer.path)!;
    if (!options.meta) return [];
    if (record.contentError) {
      if (isDamError(record.contentError)) throw record.contentError;
      throw archiveInvalid(path, `layer '${layer.path}' is not a valid tar (${record.contentError.message})`);
    }
    return record.meta ?? [];
  });
  const info: ArchiveInfo = {
    path,
    compressed,
    layout,
    tags: plan.repoTags,
    labels: plan.labels,
    imageId: plan.imageId,
    layers: plan.layers.map((l) => ({ diffId: l.diffId, size: resolve(l.path)!.size })),
    size,
  };
  if (named) info.crc32 = named.crc32;
  return { info, layerMeta };
}

/** Hard link names are relative to the archive's root. */
function linkTarget(linkname: string): string | undefined {
  const n = normalizeEntryName(linkname);
  return n.kind === 'path' ? n.path : undefined;
}

function crcMismatch(path: string, expected: string, detail?: string): DamError {
  return new DamError('ARCHIVE_INVALID', `The archive '${path}' is damaged: its CRC-32 does not match the ${expected} in its name${detail ? ` (${detail})` : ''}.`, 'Copy the file again from its source; it was changed or cut short.');
}

function describeFailure(path: string, err: unknown): Error {
  return describeStreamFailure(err, (what) => archiveInvalid(path, what));
}

async function fileSize(path: string): Promise<number> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw archiveInvalid(path, 'it is not a regular file', 'Give the path of a `.dam` file or a `docker save` archive.');
    return s.size;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') throw new DamError('NOT_FOUND', `The archive '${path}' does not exist.`, 'Check the path.');
    throw err;
  }
}

async function hasGzipMagic(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

async function crcOfFile(path: string): Promise<string> {
  const crc = createCrc32();
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) crc.update(chunk);
  return crc.hex;
}
