// Image manifests as registries serve them (Docker schema 2, OCI), validated and turned into port types.
// A manifest list or OCI index is resolved to one platform.
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { DamError } from '../../core/errors.js';
import type { BlobRef, Platform } from '../../core/ports/registry.js';
import { enginePlatform } from '../../core/platform.js';
import { at, fieldReader, type FieldReader } from '../../core/json-fields.js';

export const MEDIA = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;

export const MANIFEST_ACCEPT = [MEDIA.dockerManifest, MEDIA.dockerList, MEDIA.ociManifest, MEDIA.ociIndex].join(', ');

export const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export function sha256Digest(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The platform Node runs on, as Docker names it; Linux images are what DAM installs. */
export function hostPlatform(): Platform {
  return enginePlatform(process.arch);
}

function invalid(label: string, what: string, why: string): DamError {
  return new DamError(
    'REGISTRY_ERROR',
    `The ${label} sent an invalid manifest for ${what}: ${why}.`,
    'The image may have been pushed by a broken tool; push it again.',
  );
}

/** The field reader of one manifest: a wrong field is REGISTRY_ERROR naming its path (`layers[2].digest`). */
function manifestFields(label: string, what: string): FieldReader {
  return fieldReader((path, problem) => {
    throw invalid(label, what, `${path} ${problem}`);
  });
}

function blobRef(f: FieldReader, value: unknown, path: string): BlobRef {
  const v = f.object(value, path);
  return {
    mediaType: f.optString(v, 'mediaType', path) ?? '',
    digest: f.string(v, 'digest', path, DIGEST_RE),
    size: f.whole(v, 'size', path),
  };
}

export type ParsedManifest =
  | { kind: 'image'; mediaType: string; config: BlobRef; layers: BlobRef[] }
  | { kind: 'index'; mediaType: string; manifests: (BlobRef & { platform?: Platform })[] };

export function parseManifest(
  body: Record<string, unknown>,
  contentType: string,
  label: string,
  what: string,
): ParsedManifest {
  const mediaType = typeof body.mediaType === 'string' ? body.mediaType : (contentType.split(';')[0]?.trim() ?? '');
  if (body.schemaVersion === 1) {
    throw new DamError(
      'REGISTRY_ERROR',
      `The ${label} has only a Docker schema 1 manifest for ${what}, which DAM does not read.`,
      'Push the image again with a current Docker.',
    );
  }
  const f = manifestFields(label, what);
  if (Array.isArray(body.manifests)) {
    const manifests = body.manifests.map((m: unknown, i) => {
      const ref = blobRef(f, m, at('manifests', i));
      const p = (m as { platform?: { os?: unknown; architecture?: unknown; variant?: unknown } }).platform;
      const platform =
        p && typeof p.os === 'string' && typeof p.architecture === 'string'
          ? { os: p.os, architecture: p.architecture, ...(typeof p.variant === 'string' ? { variant: p.variant } : {}) }
          : undefined;
      return platform ? { ...ref, platform } : ref;
    });
    return { kind: 'index', mediaType, manifests };
  }
  return {
    kind: 'image',
    mediaType,
    config: blobRef(f, body.config, 'config'),
    layers: f.list(body.layers, 'layers').map((l, i) => blobRef(f, l, at('layers', i))),
  };
}

/** The index entry for a platform: exact variant first, then any variant of the os/architecture. */
export function pickPlatform(manifests: (BlobRef & { platform?: Platform })[], want: Platform): BlobRef | undefined {
  const same = manifests.filter((m) => m.platform?.os === want.os && m.platform.architecture === want.architecture);
  return same.find((m) => want.variant === undefined || m.platform?.variant === want.variant) ?? same[0];
}

/** Passes bytes through and fails at the end unless they hash to `digest`. */
export class DigestVerifier extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private readonly expected: string;
  private readonly onMismatch: (actual: string) => Error;

  constructor(expected: string, onMismatch: (actual: string) => Error) {
    super();
    this.expected = expected;
    this.onMismatch = onMismatch;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const actual = `sha256:${this.hash.digest('hex')}`;
    callback(actual === this.expected ? null : this.onMismatch(actual));
  }
}
