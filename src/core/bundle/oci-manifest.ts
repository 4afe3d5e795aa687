// Image manifests and indexes (Docker schema 2 and OCI) as a bundle of format 2 holds them: parsed from
// their exact bytes, and written for images DAM packs itself. Pure: no I/O.
import { DamError } from '../errors.js';
import type { Platform } from '../ports/registry.js';
import { sha256Hex } from './index-format.js';

export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
} as const;

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export interface ParsedImageManifest {
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
}

export const digestOf = (bytes: string | Uint8Array): string => `sha256:${sha256Hex(bytes)}`;

/** The layer's compression, from its media type: zstd, else gzip (Docker's `.tar.gzip` and OCI's `+gzip`), else none. */
export function layerCompression(mediaType: string): 'gzip' | 'zstd' | 'none' {
  if (/zstd/.test(mediaType)) return 'zstd';
  if (/gzip/.test(mediaType)) return 'gzip';
  return 'none';
}

function descriptor(value: unknown, where: string, bad: (what: string) => DamError): Descriptor {
  const v = value as { mediaType?: unknown; digest?: unknown; size?: unknown } | null;
  if (
    !v ||
    typeof v.digest !== 'string' ||
    !DIGEST.test(v.digest) ||
    typeof v.size !== 'number' ||
    !Number.isSafeInteger(v.size) ||
    v.size < 0
  )
    throw bad(`${where} lacks a sha256 digest or size`);
  return { mediaType: typeof v.mediaType === 'string' ? v.mediaType : '', digest: v.digest, size: v.size };
}

/** A single-platform manifest from its bytes; `bad` makes the error for a damaged one. */
export function parseImageManifest(bytes: string, bad: (what: string) => DamError): ParsedImageManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes);
  } catch {
    throw bad('the manifest is not JSON');
  }
  const o = raw as { schemaVersion?: unknown; mediaType?: unknown; config?: unknown; layers?: unknown };
  if (typeof o !== 'object' || o === null || o.schemaVersion !== 2 || !Array.isArray(o.layers))
    throw bad('the manifest is not a schema 2 image manifest');
  const mediaType = typeof o.mediaType === 'string' ? o.mediaType : MEDIA_TYPES.ociManifest;
  if (mediaType !== MEDIA_TYPES.dockerManifest && mediaType !== MEDIA_TYPES.ociManifest)
    throw bad(`the manifest's media type '${mediaType}' is not an image manifest`);
  return {
    mediaType,
    config: descriptor(o.config, 'its config', bad),
    layers: o.layers.map((l, i) => descriptor(l, `its layer ${i}`, bad)),
  };
}

/** The manifest DAM writes for an image it packs from the engine: OCI, layers compressed as said. */
export function buildImageManifest(config: Descriptor, layers: Descriptor[]): string {
  return JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, config, layers });
}

export interface IndexEntry {
  manifest: Descriptor;
  platform: Platform;
}

/**
 * A multi-platform index over image manifests: a Docker manifest list when they are Docker manifests, an
 * OCI index otherwise. Deterministic, so a reader can build it again and compare.
 */
export function buildPlatformIndex(entries: IndexEntry[]): { mediaType: string; bytes: string } {
  const docker = entries.every((e) => e.manifest.mediaType === MEDIA_TYPES.dockerManifest);
  const mediaType = docker ? MEDIA_TYPES.dockerList : MEDIA_TYPES.ociIndex;
  const manifests = entries.map((e) => ({
    mediaType: e.manifest.mediaType,
    digest: e.manifest.digest,
    size: e.manifest.size,
    platform: e.platform,
  }));
  return { mediaType, bytes: JSON.stringify({ schemaVersion: 2, mediaType, manifests }) };
}
