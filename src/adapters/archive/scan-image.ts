// One streaming pass over an image archive's bytes (a `.dam`, a docker-save tar or tar.gz, or a `.dam`
// inside a DAM 1.x export): gzip and tar integrity, the tar's framing (tar-frame.ts), a bound on what it
// unpacks to, every member's name and type, each layer's digest against the image config. When given a
// SaveStream, each layer member is forwarded into it as it is read, under a name DAM chooses.
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import * as tar from 'tar-stream';
import { DamError, isDamError } from '../../core/errors.js';
import { createCrc32 } from '../../core/archive/dam-name.js';
import { checkOneAppTags } from '../../core/archive/app-tags.js';
import {
  blobPath,
  digestFromBlobPath,
  parseImageConfig,
  parseLegacyManifest,
  parseOciIndex,
  planImage,
  verifyImagePlan,
  type ImagePlan,
  type ManifestEntry,
} from '../../core/archive/docker-save.js';
import type { LayerItem } from '../../core/archive/layer-merge.js';
import { TarBoundError, TarFramer, TarFrameError } from '../../core/archive/tar-frame.js';
import { unpackRefused, type UnpackBudget } from '../../core/archive/unpack-budget.js';
import { normalizeEntryName, resolveSymlinkTarget, safeEntryType, underSymlink } from '../../core/archive/tar-path.js';
import { followLinks, JSON_MEMBER_MAX, scanMember, type MemberRecord, type ScanBudget } from './member-scan.js';
import { describeStreamFailure } from '../fs/safe-extract.js';
import type { SaveStream } from './save-stream.js';

export const META_ROOT = 'meta';

export function archiveInvalid(
  source: string,
  what: string,
  hint = 'The file is damaged or incomplete: copy or create it again (`dam save`, `docker save`).',
): DamError {
  return new DamError('ARCHIVE_INVALID', `The archive '${source}' is invalid: ${what}.`, hint);
}

export interface ScanImageOptions {
  /** Names the archive in messages. */
  source: string;
  compressed: boolean;
  /** The most bytes the tar stream may hold (see unpackBound). */
  maxTarBytes: number;
  /** Collect the layers' /meta entries. */
  meta: boolean;
  /** Compute the CRC-32 and the sha256 of the bytes as read (before gunzip). */
  crc?: boolean;
  sha256?: boolean;
  /** Forward each layer into this stream as it is read. */
  forward?: SaveStream;
  /** Counts what gzip'd members inflate to (a layer stored compressed), named by member: a bomb inside. */
  unpack?: UnpackBudget;
  signal?: AbortSignal | undefined;
}

export interface ImageScan {
  plan: ImagePlan;
  layout: 'legacy' | 'oci';
  /** Size as stored, bottom first. */
  layerSizes: number[];
  layerMeta: LayerItem[][];
  /** The bytes as read: their count, CRC-32 (when asked) and sha256 (when asked). */
  raw: { size: number; crc32?: string; sha256?: string };
  /** The bytes the tar stream declared (what it unpacked to, when gzip'd). */
  tarBytes: number;
  /** With `forward`: the config's bytes and the forwarded names of the layers, bottom first. */
  load?: { config: Buffer; layers: string[] };
}

interface Members {
  regular: Map<string, MemberRecord>;
  links: Map<string, string>;
}

export async function scanImage(raw: Readable, options: ScanImageOptions): Promise<ImageScan> {
  const members: Members = { regular: new Map(), links: new Map() };
  const crc = options.crc ? createCrc32() : undefined;
  const hash = options.sha256 ? createHash('sha256') : undefined;
  let size = 0;
  const rawTap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      crc?.update(chunk);
      hash?.update(chunk);
      cb(null, chunk);
    },
  });
  const framer = new TarFramer({ maxTotalBytes: options.maxTarBytes });
  const frameTap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      try {
        framer.push(chunk);
      } catch (err) {
        return cb(frameFailure(options.source, err));
      }
      cb(null, chunk);
    },
  });
  const extract = memberReader(members, options);
  const stages = options.compressed
    ? [raw, rawTap, createGunzip({ chunkSize: 1 << 18 }), frameTap, extract]
    : [raw, rawTap, frameTap, extract];
  try {
    await pipeline(stages as NodeJS.ReadWriteStream[], options.signal ? { signal: options.signal } : {});
    framer.end();
  } catch (err) {
    raw.destroy();
    if (options.signal?.aborted) throw err;
    throw frameFailure(options.source, err);
  }
  const scan = planOf(members, options);
  scan.raw = { size, ...(crc ? { crc32: crc.hex } : {}), ...(hash ? { sha256: hash.digest('hex') } : {}) };
  scan.tarBytes = framer.declared;
  return scan;
}

function frameFailure(source: string, err: unknown): Error {
  if (err instanceof TarBoundError) {
    return unpackRefused('archive', source, err.message);
  }
  if (err instanceof TarFrameError) return archiveInvalid(source, err.message);
  return describeStreamFailure(err, (what) => archiveInvalid(source, what));
}

/** The tar parser: checks each member's name and type, records regular members, links and folders. */
function memberReader(members: Members, options: ScanImageOptions): NodeJS.WritableStream {
  const { source } = options;
  const seen = new Set<string>();
  const parents = new Set<string>();
  const symlinks = new Set<string>();
  const budget: ScanBudget = { jsonBytes: 32 * 1024 * 1024, metaBytes: 64 * 1024 * 1024 };
  const extract = tar.extract();
  extract.on('entry', (header, body, next) => {
    const run = async () => {
      const n = normalizeEntryName(header.name);
      if (n.kind === 'invalid') throw archiveInvalid(source, `member '${header.name}' ${n.reason}`);
      const type = safeEntryType(header.type);
      if (type === undefined)
        throw archiveInvalid(source, `member '${header.name}' is a ${header.type}; devices and FIFOs are not allowed`);
      if (n.kind === 'root') {
        if (type !== 'directory')
          throw archiveInvalid(source, `member '${header.name}' names the root but is not a folder`);
        return void body.resume();
      }
      const name = n.path;
      if (seen.has(name)) throw archiveInvalid(source, `member '${name}' appears twice`);
      const linkedParent = underSymlink(name, symlinks);
      if (linkedParent !== undefined)
        throw archiveInvalid(source, `member '${name}' lies inside '${linkedParent}', which is a symbolic link`);
      seen.add(name);
      for (let i = name.indexOf('/'); i > 0; i = name.indexOf('/', i + 1)) parents.add(name.slice(0, i));
      if (type === 'directory') return void body.resume();
      if (type === 'symlink' || type === 'link') {
        body.resume();
        if (type === 'symlink' && parents.has(name))
          throw archiveInvalid(source, `member '${name}' is a symbolic link over a folder that holds other members`);
        const target =
          type === 'symlink' ? resolveSymlinkTarget(name, header.linkname ?? '') : linkTarget(header.linkname ?? '');
        if (target === undefined)
          throw archiveInvalid(
            source,
            `member '${name}' is a ${type === 'symlink' ? 'symbolic' : 'hard'} link pointing outside the archive ('${header.linkname ?? ''}')`,
          );
        if (type === 'symlink') symlinks.add(name);
        members.links.set(name, target);
        return;
      }
      members.regular.set(
        name,
        await readRegular(name, header.size ?? 0, body as unknown as Readable, options, budget),
      );
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
  return extract as unknown as NodeJS.WritableStream;
}

async function readRegular(
  name: string,
  size: number,
  body: Readable,
  options: ScanImageOptions,
  budget: ScanBudget,
): Promise<MemberRecord> {
  const isLayerCandidate = /\.tar$/.test(name) || name.startsWith('blobs/');
  const forward = options.forward && isLayerCandidate ? options.forward : undefined;
  let sink: ReturnType<SaveStream['layer']> | undefined;
  const { unpack } = options;
  const record = await scanMember(body, name, {
    maybeJson: name.endsWith('.json') || name.startsWith('blobs/'),
    ...(options.meta && isLayerCandidate ? { metaRoot: META_ROOT } : {}),
    budget,
    source: options.source,
    ...(unpack ? { count: { inflated: (bytes: number) => unpack.add(name, bytes) } } : {}),
    // Small JSON members (configs, OCI manifests) stay in memory; everything else that may be a layer streams on.
    ...(forward
      ? {
          forward: (json: boolean) =>
            json && size <= JSON_MEMBER_MAX ? undefined : (sink = forward.layer(size)).write,
        }
      : {}),
  });
  // Raised whether or not the scan reads /meta: a layer that failed to inflate is otherwise reported later.
  if (unpack?.refusal) throw unpack.refusal;
  const expected = digestFromBlobPath(name);
  if (expected && record.digest !== expected)
    throw archiveInvalid(options.source, `member '${name}' has digest ${record.digest}, not the one in its name`);
  if (sink) {
    await sink.end();
    record.forwardedAs = sink.name;
  }
  return record;
}

/** Hard link names are relative to the archive's root. */
function linkTarget(linkname: string): string | undefined {
  const n = normalizeEntryName(linkname);
  return n.kind === 'path' ? n.path : undefined;
}

function planOf(members: Members, options: ScanImageOptions): ImageScan {
  const { source } = options;
  const resolve = (name: string): MemberRecord | undefined => followLinks(members.regular, members.links, name);
  const readJson = (name: string, what: string): unknown => {
    const record = resolve(name);
    if (!record) return undefined;
    if (!record.json) throw archiveInvalid(source, `${what} '${name}' is not a small JSON document`);
    try {
      return JSON.parse(record.json.toString('utf8'));
    } catch {
      throw archiveInvalid(source, `${what} '${name}' is not valid JSON`);
    }
  };
  let entries: ManifestEntry[];
  let layout: ImageScan['layout'] = 'legacy';
  const manifest = readJson('manifest.json', 'member');
  if (manifest !== undefined) entries = parseLegacyManifest(manifest, source);
  else {
    const index = readJson('index.json', 'member');
    if (index === undefined)
      throw archiveInvalid(
        source,
        'it has neither manifest.json nor index.json, so it is not a docker-save archive',
        'Give a file made by `dam save` or `docker save`.',
      );
    // Without manifest.json, older engines fall back to this file: an archive carrying both is ambiguous.
    if (resolve('repositories'))
      throw archiveInvalid(
        source,
        'it has an OCI index.json and a legacy repositories file but no manifest.json, which loaders read differently',
      );
    entries = parseOciIndex(index, (digest) => readJson(blobPath(digest), 'blob'), source);
    layout = 'oci';
  }
  if (entries.length !== 1)
    throw archiveInvalid(
      source,
      `it holds ${entries.length} images; an app archive holds exactly one`,
      'Save one image per archive (`dam save APP`).',
    );
  const entry = entries[0]!;
  if (entry.layers.some((l) => l.startsWith('blobs/'))) layout = 'oci';
  checkOneAppTags(entry.repoTags, source);
  const configRecord = resolve(entry.config);
  if (!configRecord) throw archiveInvalid(source, `the image config '${entry.config}' is missing`);
  const plan = planImage(
    entry,
    parseImageConfig(readJson(entry.config, 'config'), source, entry.config),
    configRecord.digest,
    source,
  );
  const problems = verifyImagePlan(plan, resolve);
  if (problems.length > 0) throw archiveInvalid(source, problems.join('; '));
  const records = plan.layers.map((layer) => resolve(layer.path)!);
  const scan: ImageScan = {
    plan,
    layout,
    layerSizes: records.map((r) => r.size),
    layerMeta: records.map((r, i) => layerMetaOf(r, plan.layers[i]!.path, options)),
    raw: { size: 0 },
    tarBytes: 0,
  };
  if (options.forward) {
    scan.load = {
      config: configRecord.json!,
      layers: records.map((r, i) => {
        if (r.forwardedAs === undefined)
          throw archiveInvalid(source, `layer '${plan.layers[i]!.path}' is not stored as a layer tar`);
        return r.forwardedAs;
      }),
    };
  }
  return scan;
}

function layerMetaOf(record: MemberRecord, path: string, options: ScanImageOptions): LayerItem[] {
  if (!options.meta) return [];
  if (record.contentError) {
    if (isDamError(record.contentError)) throw record.contentError;
    throw archiveInvalid(options.source, `layer '${path}' is not a valid tar (${record.contentError.message})`);
  }
  return record.meta ?? [];
}
