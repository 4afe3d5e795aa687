// Reads what `dam info` shows of an app image, locally (through a created-never-started container) or in
// a registry (config blob and layers, without pulling into the engine). No printing.
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { DamError, isDamError } from '../core/errors.js';
import type { Engine, MetaScanner } from '../core/ports/engine.js';
import type { BlobRef, Registry } from '../core/ports/registry.js';
import { type LayerScan, type MetaListing, endsMeta, listingOf } from '../core/archive/meta-listing.js';
import { TEMPORARY_LABEL } from '../core/app-labels.js';
import { formatPlatform, normalizePlatform } from '../core/platform.js';

export interface ImageFacts {
  labels: Record<string, string>;
  /** Bytes: unpacked size locally, compressed layers plus config in a registry. */
  size: number;
  created: string;
  /** Local image id, or the manifest digest in a registry. */
  id: string;
  /** `os/architecture[/variant]` the image is built for. */
  platform: string;
  meta: MetaListing;
}

export async function localImageFacts(
  engine: Engine,
  scanMetaTar: MetaScanner,
  ref: string,
  labels: Record<string, string> = {},
): Promise<ImageFacts | undefined> {
  const image = await engine.inspectImage(ref);
  if (!image) return undefined;
  const container = await engine.createContainer({
    image: image.id,
    labels: { ...labels, [TEMPORARY_LABEL]: 'true' },
    cmd: [''],
  });
  let scan: LayerScan;
  try {
    let tar: Readable;
    try {
      tar = await engine.copyFromContainer(container, '/meta');
    } catch (err) {
      if (!isDamError(err, 'NOT_FOUND')) throw err;
      throw noMeta(ref, err);
    }
    scan = await scanMetaTar(tar);
  } finally {
    await engine.removeContainer(container);
  }
  return {
    labels: image.labels,
    size: image.size,
    created: image.created,
    id: image.id,
    platform: formatPlatform(normalizePlatform(image.os, image.architecture)),
    meta: listingOf([scan]),
  };
}

/**
 * Layers are read top first, until one hides all below it in /meta or the merge so far holds meta/install
 * (so a big base image under the app's /meta layer is not downloaded), and merged bottom first.
 */
export async function remoteImageFacts(
  registry: Registry,
  scanMetaTar: MetaScanner,
  name: string,
  tag: string,
): Promise<ImageFacts> {
  const config = await registry.getImageConfig(name, tag);
  const read: LayerScan[] = [];
  let meta: MetaListing = { entries: [] };
  for (const layer of [...config.layers].reverse()) {
    const scan = await scanMetaTar(await openLayer(registry, name, layer));
    read.unshift(scan);
    meta = listingOf(read);
    if (endsMeta(scan) || meta.entries.some((e) => e.path === 'install')) break;
  }
  if (meta.entries.length === 0) throw noMeta(`${name}:${tag} in ${registry.label}`);
  const size = config.layers.reduce((sum, l) => sum + l.size, 0);
  return {
    labels: config.labels,
    size,
    created: config.created,
    id: config.manifestDigest,
    platform: formatPlatform(normalizePlatform(config.os, config.architecture)),
    meta,
  };
}

async function openLayer(registry: Registry, name: string, layer: BlobRef): Promise<Readable> {
  const compression = /\.tar(?:\.|\+)gzip$/.test(layer.mediaType)
    ? 'gzip'
    : /\.tar$/.test(layer.mediaType)
      ? 'none'
      : undefined;
  if (compression === undefined) {
    // zstd needs Node 22; foreign and unknown layers cannot be read either.
    throw new DamError(
      'REGISTRY_ERROR',
      `A layer of '${name}' is stored as '${layer.mediaType}', which DAM cannot read.`,
      'Pull the image (docker pull) and run dam info on the local image.',
    );
  }
  const blob = await registry.openBlob(name, layer.digest);
  if (compression === 'none') return blob;
  const gunzip = createGunzip();
  blob.on('error', (err) => gunzip.destroy(err));
  return blob.pipe(gunzip);
}

function noMeta(what: string, cause?: unknown): DamError {
  return new DamError(
    'NOT_FOUND',
    `The image '${what}' has no /meta folder, so it is not a DAM app.`,
    'A DAM app image carries /meta/install and /meta/uninstall; build it with `dam create`.',
    { cause },
  );
}
