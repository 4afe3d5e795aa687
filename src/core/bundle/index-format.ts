// The bundle index (`dam-bundle.json`, the first member of a bundle): the product, every image (tags, id,
// exact config, diff ids, its /meta listing with hashes) and every blob the bundle carries (size, sha256),
// plus the layers a delta leaves out. Written as canonical JSON, and refused unless it is canonical, so that
// its bytes are the one thing a signature has to cover. See docs/formats.md.
import { createHash } from 'node:crypto';
import { DamError } from '../errors.js';
import { fieldReader } from '../json-fields.js';
import { parseProductJson, type Product } from '../product.js';
import { parseImageConfig } from '../archive/docker-save.js';
import { normalizeEntryName } from '../archive/tar-path.js';
import { canonicalJson } from './canonical-json.js';

export const BUNDLE_FORMAT = 1;
export const INDEX_MEMBER = 'dam-bundle.json';
/** An index is small (configs and /meta listings); anything bigger is refused before it is parsed. */
export const INDEX_MAX_BYTES = 16 * 1024 * 1024;

export type MetaEntry =
  | { type: 'file'; mode: number; size: number; sha256: string }
  | { type: 'directory'; mode: number }
  | { type: 'symlink'; target: string };

export interface IndexImage {
  /** `sha256:` of `config`: the id the engine gives the image. */
  imageId: string;
  tags: string[];
  /** The image config exactly as the engine saved it (its bytes define the image id). */
  config: string;
  /** Diff ids, bottom first, as in the config's rootfs. */
  layers: string[];
  /** The image's /meta folder (layers merged), by path relative to /meta. */
  meta: Record<string, MetaEntry>;
}

export interface IndexBlob {
  /** `layers/<sha256>.tar`: an uncompressed layer tar, stored once however many images use it. */
  name: string;
  size: number;
  /** Hex sha256 of the blob; for a layer, its diff id. */
  sha256: string;
}

export interface BundleIndex {
  format: typeof BUNDLE_FORMAT;
  product: Product;
  images: IndexImage[];
  /** In the order they follow the index in the tar. */
  blobs: IndexBlob[];
  /** Diff ids a delta leaves out (sorted): the target engine must hold them. */
  omittedLayers: string[];
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const HEX = /^[0-9a-f]{64}$/;

export const layerBlobName = (diffId: string): string => `layers/${diffId.slice('sha256:'.length)}.tar`;

export function formatBundleIndex(index: BundleIndex): Buffer {
  return Buffer.from(canonicalJson(index), 'utf8');
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function invalid(source: string, field: string, what: string): DamError {
  return new DamError(
    'ARCHIVE_INVALID',
    `The bundle '${source}' has an invalid index: ${field} ${what}.`,
    'The bundle is damaged or was not written by dam export --all; export it again.',
  );
}

type Obj = Record<string, unknown>;

/** The one field reader (json-fields.ts), failing with ARCHIVE_INVALID naming the bundle and the field. */
const reader = (source: string) =>
  fieldReader((path, problem) => {
    throw invalid(source, path, problem);
  });

const object = (source: string, field: string, value: unknown, keys: readonly string[]): Obj =>
  reader(source).object(value, field, keys);
const list = (source: string, field: string, value: unknown): unknown[] => reader(source).list(value, field);
const str = (source: string, field: string, value: unknown, pattern?: RegExp): string =>
  reader(source).asString(value, field, pattern);
const int = (source: string, field: string, value: unknown, max?: number): number =>
  reader(source).asWhole(value, field, max);

/** A /meta listing as an index holds it; ARCHIVE_INVALID naming `field` otherwise. */
export const parseMetaListing = (source: string, field: string, value: unknown): Record<string, MetaEntry> =>
  parseMeta(source, field, value);

function parseMeta(source: string, field: string, value: unknown): Record<string, MetaEntry> {
  const raw = object(source, field, value, Object.keys(value ?? {}));
  const meta: Record<string, MetaEntry> = {};
  for (const [path, v] of Object.entries(raw)) {
    const at = `${field}[${JSON.stringify(path)}]`;
    const n = normalizeEntryName(path);
    if (n.kind !== 'path' || n.path !== path) throw invalid(source, at, 'is not a plain relative path');
    const e = object(source, at, v, ['type', 'mode', 'size', 'sha256', 'target']);
    if (e.type === 'file') {
      object(source, at, v, ['type', 'mode', 'size', 'sha256']);
      meta[path] = {
        type: 'file',
        mode: int(source, `${at}.mode`, e.mode, 0o7777),
        size: int(source, `${at}.size`, e.size),
        sha256: str(source, `${at}.sha256`, e.sha256, HEX),
      };
    } else if (e.type === 'directory') {
      object(source, at, v, ['type', 'mode']);
      meta[path] = { type: 'directory', mode: int(source, `${at}.mode`, e.mode, 0o7777) };
    } else if (e.type === 'symlink') {
      object(source, at, v, ['type', 'target']);
      meta[path] = { type: 'symlink', target: str(source, `${at}.target`, e.target) };
    } else throw invalid(source, `${at}.type`, 'is not file, directory or symlink');
  }
  return meta;
}

function parseImage(source: string, i: number, value: unknown): IndexImage {
  const at = `images[${i}]`;
  const o = object(source, at, value, ['imageId', 'tags', 'config', 'layers', 'meta']);
  const imageId = str(source, `${at}.imageId`, o.imageId, DIGEST);
  const config = str(source, `${at}.config`, o.config);
  if (`sha256:${sha256Hex(config)}` !== imageId)
    throw invalid(source, `${at}.config`, `does not hash to its imageId ${imageId}`);
  let parsedConfig: unknown;
  try {
    parsedConfig = JSON.parse(config);
  } catch {
    throw invalid(source, `${at}.config`, 'is not JSON');
  }
  const layers = list(source, `${at}.layers`, o.layers).map((l, j) => str(source, `${at}.layers[${j}]`, l, DIGEST));
  const diffIds = parseImageConfig(parsedConfig, source, `${at}.config`).diffIds;
  if (diffIds.join() !== layers.join())
    throw invalid(source, `${at}.layers`, 'differs from the diff ids of its config');
  const tags = list(source, `${at}.tags`, o.tags).map((t, j) =>
    str(source, `${at}.tags[${j}]`, t, /^[^\s\p{Cc}]{1,255}$/u),
  );
  if (tags.length === 0) throw invalid(source, `${at}.tags`, 'is empty');
  return { imageId, tags, config, layers, meta: parseMeta(source, `${at}.meta`, o.meta) };
}

function parseBlob(source: string, i: number, value: unknown): IndexBlob {
  const at = `blobs[${i}]`;
  const o = object(source, at, value, ['name', 'size', 'sha256']);
  const sha256 = str(source, `${at}.sha256`, o.sha256, HEX);
  const name = str(source, `${at}.name`, o.name);
  if (name !== layerBlobName(`sha256:${sha256}`)) throw invalid(source, `${at}.name`, `is not layers/${sha256}.tar`);
  return { name, size: int(source, `${at}.size`, o.size), sha256 };
}

/** Parses and checks an index; ARCHIVE_INVALID naming the field, STATE_TOO_NEW for a newer format. */
export function parseBundleIndex(bytes: Uint8Array, source: string): BundleIndex {
  if (bytes.length > INDEX_MAX_BYTES) throw invalid(source, INDEX_MEMBER, `is larger than ${INDEX_MAX_BYTES} bytes`);
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw invalid(source, INDEX_MEMBER, 'is not valid JSON');
  }
  const top = object(source, 'the index', raw, ['format', 'product', 'images', 'blobs', 'omittedLayers']);
  if (typeof top.format === 'number' && top.format > BUNDLE_FORMAT) {
    throw new DamError(
      'STATE_TOO_NEW',
      `The bundle '${source}' has an index of format ${top.format}, which this DAM does not read.`,
      'Import it with a newer DAM, or export it again with this one.',
    );
  }
  if (top.format !== BUNDLE_FORMAT)
    throw invalid(source, 'format', `is ${JSON.stringify(top.format)}, not ${BUNDLE_FORMAT}`);
  const product = parseProductJson(JSON.stringify(top.product ?? null), `${source} (product in the index)`);
  const images = list(source, 'images', top.images).map((v, i) => parseImage(source, i, v));
  const blobs = list(source, 'blobs', top.blobs).map((v, i) => parseBlob(source, i, v));
  const omittedLayers = list(source, 'omittedLayers', top.omittedLayers).map((v, i) =>
    str(source, `omittedLayers[${i}]`, v, DIGEST),
  );
  const index: BundleIndex = { format: BUNDLE_FORMAT, product, images, blobs, omittedLayers };
  checkConsistency(index, source);
  if (!Buffer.from(bytes).equals(formatBundleIndex(index)))
    throw invalid(source, INDEX_MEMBER, 'is not in canonical form (sorted keys, no spaces)');
  return index;
}

function checkConsistency(index: BundleIndex, source: string): void {
  if (index.images.length === 0) throw invalid(source, 'images', 'is empty');
  const ids = new Set<string>();
  const tags = new Map<string, string>();
  index.images.forEach((img, i) => {
    if (ids.has(img.imageId)) throw invalid(source, `images[${i}].imageId`, 'repeats another image');
    ids.add(img.imageId);
    for (const t of img.tags) {
      if (tags.has(t)) throw invalid(source, `images[${i}].tags`, `repeats the tag ${t}`);
      tags.set(t, img.imageId);
    }
  });
  const carried = new Set<string>();
  index.blobs.forEach((b, i) => {
    if (carried.has(`sha256:${b.sha256}`)) throw invalid(source, `blobs[${i}]`, 'repeats another blob');
    carried.add(`sha256:${b.sha256}`);
  });
  const sorted = [...new Set(index.omittedLayers)].sort();
  if (sorted.join() !== index.omittedLayers.join())
    throw invalid(source, 'omittedLayers', 'is not sorted and distinct');
  const used = new Set(index.images.flatMap((img) => img.layers));
  for (const d of index.omittedLayers) {
    if (carried.has(d)) throw invalid(source, 'omittedLayers', `lists ${d}, which the bundle carries`);
    if (!used.has(d)) throw invalid(source, 'omittedLayers', `lists ${d}, which no image uses`);
  }
  for (const d of used)
    if (!carried.has(d) && !index.omittedLayers.includes(d))
      throw invalid(source, 'blobs', `has no blob for layer ${d}, and omittedLayers does not list it`);
  for (const d of carried) if (!used.has(d)) throw invalid(source, 'blobs', `carries ${d}, which no image uses`);
  index.product.apps.forEach((app, i) => {
    if (app.tag === undefined) throw invalid(source, `product.apps[${i}].tag`, 'is missing');
    const id = tags.get(app.tag);
    if (id === undefined) throw invalid(source, `product.apps[${i}].tag`, `names ${app.tag}, which no image carries`);
    if (app.imageId !== undefined && app.imageId !== id)
      throw invalid(source, `product.apps[${i}].imageId`, `is not the id of the image tagged ${app.tag}`);
  });
}
