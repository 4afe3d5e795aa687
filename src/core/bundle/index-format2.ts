// The index of a bundle of format 2 (`dam-bundle.json`, the first member of an OCI image layout in a plain
// tar): the product, every image (its tags, platform, exact manifest and config bytes, optionally its /meta
// listing) and every blob in tar order. The OCI members (`oci-layout`, `index.json`, multi-platform
// indexes) are derived from it here, so a reader builds them again and refuses a bundle whose copies differ.
// Canonical JSON, as format 1 (index-format.ts), so that a signature covers one byte string.
import { DamError } from '../errors.js';
import { fieldReader } from '../json-fields.js';
import { parseProductJson, type Product } from '../product.js';
import type { Platform } from '../ports/registry.js';
import { parseImageConfig } from '../archive/docker-save.js';
import { formatPlatform, samePlatform } from '../platform.js';
import { canonicalJson } from './canonical-json.js';
import { INDEX_MAX_BYTES, INDEX_MEMBER, type MetaEntry } from './index-format.js';
import {
  buildPlatformIndex,
  digestOf,
  MEDIA_TYPES,
  parseImageManifest,
  type Descriptor,
  type ParsedImageManifest,
} from './oci-manifest.js';

export const BUNDLE_FORMAT_2 = 2;
export const OCI_LAYOUT_MEMBER = 'oci-layout';
export const OCI_INDEX_MEMBER = 'index.json';
export const OCI_LAYOUT = '{"imageLayoutVersion":"1.0.0"}';
const REF_NAME = 'org.opencontainers.image.ref.name';

export interface Image2 {
  tags: string[];
  platform: Platform;
  /** The manifest's exact bytes (its sha256 is the digest registries know it by). */
  manifest: string;
  /** The config's exact bytes (its sha256 is the image id). */
  config: string;
  meta?: Record<string, MetaEntry>;
}

export interface Blob2 extends Descriptor {
  /** A layer's size once decompressed, where the writer knew it (needed to load a zstd layer). */
  unpackedSize?: number;
}

export interface BundleIndex2 {
  format: typeof BUNDLE_FORMAT_2;
  product: Product;
  images: Image2[];
  /** Every blob the tar holds after the index, `oci-layout` and `index.json`, in tar order. */
  blobs: Blob2[];
  /** Diff ids of layers a delta leaves out (sorted): the target engine must hold them. */
  omittedLayers: string[];
}

/** An image with what its bytes say, worked out once. */
export interface ResolvedImage2 extends Image2 {
  imageId: string;
  manifestDigest: string;
  parsed: ParsedImageManifest;
  /** Diff ids, bottom first, from the config. */
  layers: string[];
  labels: Record<string, string>;
}

export const blobMember = (digest: string): string => `blobs/sha256/${digest.slice('sha256:'.length)}`;

function invalid(source: string, what: string): DamError {
  return new DamError(
    'ARCHIVE_INVALID',
    `The bundle '${source}' has an invalid index: ${what}.`,
    'The bundle is damaged or was not written by dam export --all; export it again.',
  );
}

export function resolveImage(img: Image2, source: string, at: string): ResolvedImage2 {
  const parsed = parseImageManifest(img.manifest, (what) => invalid(source, `${at}.manifest: ${what}`));
  const imageId = digestOf(img.config);
  if (parsed.config.digest !== imageId || parsed.config.size !== Buffer.byteLength(img.config))
    throw invalid(source, `${at}.manifest does not name its config`);
  let json: unknown;
  try {
    json = JSON.parse(img.config);
  } catch {
    throw invalid(source, `${at}.config is not JSON`);
  }
  const config = parseImageConfig(json, source, `${at}.config`);
  if (config.diffIds.length !== parsed.layers.length)
    throw invalid(
      source,
      `${at} has ${parsed.layers.length} layers in its manifest and ${config.diffIds.length} in its config`,
    );
  return {
    ...img,
    imageId,
    manifestDigest: digestOf(img.manifest),
    parsed,
    layers: config.diffIds,
    labels: config.labels,
  };
}

/** The groups of images under one tag set: one entry of index.json each (an index blob when several platforms). */
function groups(images: ResolvedImage2[]): ResolvedImage2[][] {
  const byTags = new Map<string, ResolvedImage2[]>();
  for (const img of images) byTags.set(img.tags.join('\n'), [...(byTags.get(img.tags.join('\n')) ?? []), img]);
  return [...byTags.values()];
}

export interface OciMembers {
  indexJson: string;
  /** Multi-platform indexes the layout needs, with their bytes. */
  platformIndexes: Array<Descriptor & { bytes: string }>;
}

/** `index.json` (one entry per tag, pointing at a manifest or a multi-platform index) and those indexes. */
export function ociMembers(images: ResolvedImage2[]): OciMembers {
  const manifests: unknown[] = [];
  const platformIndexes: OciMembers['platformIndexes'] = [];
  for (const group of groups(images)) {
    let target: Descriptor & { platform?: Platform };
    if (group.length === 1) {
      const img = group[0]!;
      target = {
        mediaType: img.parsed.mediaType,
        digest: img.manifestDigest,
        size: Buffer.byteLength(img.manifest),
        platform: img.platform,
      };
    } else {
      const built = buildPlatformIndex(
        group.map((img) => ({
          manifest: {
            mediaType: img.parsed.mediaType,
            digest: img.manifestDigest,
            size: Buffer.byteLength(img.manifest),
          },
          platform: img.platform,
        })),
      );
      const d = { mediaType: built.mediaType, digest: digestOf(built.bytes), size: Buffer.byteLength(built.bytes) };
      if (!platformIndexes.some((p) => p.digest === d.digest)) platformIndexes.push({ ...d, bytes: built.bytes });
      target = d;
    }
    for (const tag of group[0]!.tags) manifests.push({ ...target, annotations: { [REF_NAME]: tag } });
  }
  return {
    indexJson: JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests }),
    platformIndexes,
  };
}

/** The blobs the images need, small ones first (indexes, manifests, configs), then each layer once. */
export function blobsFor(
  images: ResolvedImage2[],
  omitted: ReadonlySet<string>,
  unpacked?: ReadonlyMap<string, number>,
): Blob2[] {
  const out = new Map<string, Blob2>();
  for (const p of ociMembers(images).platformIndexes)
    out.set(p.digest, { mediaType: p.mediaType, digest: p.digest, size: p.size });
  for (const img of images)
    out.set(img.manifestDigest, {
      mediaType: img.parsed.mediaType,
      digest: img.manifestDigest,
      size: Buffer.byteLength(img.manifest),
    });
  for (const img of images) out.set(img.imageId, { ...img.parsed.config });
  for (const img of images) {
    img.parsed.layers.forEach((l, i) => {
      if (omitted.has(img.layers[i]!) || out.has(l.digest)) return;
      const size = unpacked?.get(l.digest);
      out.set(l.digest, size === undefined ? { ...l } : { ...l, unpackedSize: size });
    });
  }
  return [...out.values()];
}

export function formatBundleIndex2(index: BundleIndex2): Buffer {
  return Buffer.from(canonicalJson(index), 'utf8');
}

type Obj = Record<string, unknown>;

/** The one field reader (json-fields.ts), failing with ARCHIVE_INVALID naming the bundle and the field. */
const reader = (source: string) =>
  fieldReader((path, problem) => {
    throw invalid(source, `${path} ${problem}`);
  });
const fields = (source: string, at: string, v: unknown, keys: readonly string[]): Obj =>
  reader(source).object(v, at, keys);
const strings = (source: string, at: string, v: unknown): string[] => reader(source).stringList(v, at);

/** Parses and checks a format 2 index (the caller read `format: 2`); ARCHIVE_INVALID naming the field. */
export function parseBundleIndex2(
  raw: unknown,
  bytes: Uint8Array,
  source: string,
  parseMeta: (at: string, v: unknown) => Record<string, MetaEntry>,
): { index: BundleIndex2; images: ResolvedImage2[] } {
  if (bytes.length > INDEX_MAX_BYTES) throw invalid(source, `${INDEX_MEMBER} is too large`);
  const top = fields(source, 'the index', raw, ['format', 'product', 'images', 'blobs', 'omittedLayers']);
  const product = parseProductJson(JSON.stringify(top.product ?? null), `${source} (product in the index)`);
  if (!Array.isArray(top.images) || top.images.length === 0)
    throw invalid(source, 'images is not a list of at least one image');
  const images: Image2[] = top.images.map((v, i) => {
    const o = fields(source, `images[${i}]`, v, ['tags', 'platform', 'manifest', 'config', 'meta']);
    const p = fields(source, `images[${i}].platform`, o.platform, ['os', 'architecture', 'variant']);
    if (
      typeof p.os !== 'string' ||
      typeof p.architecture !== 'string' ||
      (p.variant !== undefined && typeof p.variant !== 'string')
    )
      throw invalid(source, `images[${i}].platform is not os/architecture`);
    if (typeof o.manifest !== 'string' || typeof o.config !== 'string')
      throw invalid(source, `images[${i}] lacks its manifest or config`);
    const tags = strings(source, `images[${i}].tags`, o.tags);
    if (tags.length === 0 || tags.some((t) => !/^[^\s\p{Cc}]{1,255}$/u.test(t)))
      throw invalid(source, `images[${i}].tags is empty or holds a bad tag`);
    const img: Image2 = {
      tags,
      platform: {
        os: p.os,
        architecture: p.architecture,
        ...(p.variant !== undefined ? { variant: p.variant as string } : {}),
      },
      manifest: o.manifest,
      config: o.config,
    };
    if (o.meta !== undefined) img.meta = parseMeta(`images[${i}].meta`, o.meta);
    return img;
  });
  if (!Array.isArray(top.blobs)) throw invalid(source, 'blobs is not a list');
  const blobs: Blob2[] = top.blobs.map((v, i) => {
    const o = fields(source, `blobs[${i}]`, v, ['mediaType', 'digest', 'size', 'unpackedSize']);
    if (
      typeof o.mediaType !== 'string' ||
      typeof o.digest !== 'string' ||
      !/^sha256:[0-9a-f]{64}$/.test(o.digest) ||
      !Number.isSafeInteger(o.size) ||
      (o.size as number) < 0
    )
      throw invalid(source, `blobs[${i}] is not a blob descriptor`);
    const b: Blob2 = { mediaType: o.mediaType, digest: o.digest, size: o.size as number };
    if (o.unpackedSize !== undefined) {
      if (!Number.isSafeInteger(o.unpackedSize) || (o.unpackedSize as number) < 0)
        throw invalid(source, `blobs[${i}].unpackedSize is not a size`);
      b.unpackedSize = o.unpackedSize as number;
    }
    return b;
  });
  const omittedLayers = strings(source, 'omittedLayers', top.omittedLayers);
  const index: BundleIndex2 = { format: BUNDLE_FORMAT_2, product, images, blobs, omittedLayers };
  const resolved = images.map((img, i) => resolveImage(img, source, `images[${i}]`));
  checkConsistency(index, resolved, source);
  if (!Buffer.from(bytes).equals(formatBundleIndex2(index)))
    throw invalid(source, `${INDEX_MEMBER} is not in canonical form (sorted keys, no spaces)`);
  return { index, images: resolved };
}

function checkConsistency(index: BundleIndex2, images: ResolvedImage2[], source: string): void {
  const seen = new Map<string, ResolvedImage2>();
  images.forEach((img, i) => {
    for (const tag of img.tags) {
      const key = `${tag} ${formatPlatform(img.platform)}`;
      if (seen.has(key))
        throw invalid(source, `images[${i}] repeats the tag ${tag} for ${formatPlatform(img.platform)}`);
      seen.set(key, img);
    }
    const sameTags = images.filter((o) => o.tags.some((t) => img.tags.includes(t)));
    if (sameTags.some((o) => o.tags.join('\n') !== img.tags.join('\n')))
      throw invalid(source, `images[${i}] shares some but not all of its tags with another image`);
    if (sameTags.some((o) => o !== img && samePlatform(o.platform, img.platform)))
      throw invalid(source, `images[${i}] repeats a platform under its tags`);
  });
  const sorted = [...new Set(index.omittedLayers)].sort();
  if (sorted.join() !== index.omittedLayers.join() || !sorted.every((d) => /^sha256:[0-9a-f]{64}$/.test(d)))
    throw invalid(source, 'omittedLayers is not a sorted list of distinct diff ids');
  const expected = blobsFor(images, new Set(index.omittedLayers));
  const listed = new Map(index.blobs.map((b) => [b.digest, b]));
  if (listed.size !== index.blobs.length) throw invalid(source, 'blobs repeats a blob');
  for (const b of expected) {
    const got = listed.get(b.digest);
    if (!got || got.size !== b.size || got.mediaType !== b.mediaType)
      throw invalid(source, `blobs does not list ${b.digest} (${b.mediaType}, ${b.size} bytes) as the images need it`);
  }
  if (expected.length !== index.blobs.length) throw invalid(source, 'blobs lists a blob no image uses');
  const used = new Set(images.flatMap((img) => img.layers));
  for (const d of index.omittedLayers)
    if (!used.has(d)) throw invalid(source, `omittedLayers lists ${d}, which no image uses`);
  index.product.apps.forEach((app, i) => {
    if (app.tag === undefined) throw invalid(source, `product.apps[${i}].tag is missing`);
    if (!images.some((img) => img.tags.includes(app.tag!)))
      throw invalid(source, `product.apps[${i}].tag names ${app.tag}, which no image carries`);
  });
}
