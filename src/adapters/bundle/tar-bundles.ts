// TarBundles: the Bundles port over files: DAM bundles (a tar, plain or gzip or zstd, whose first member
// is the index) and DAM 1.x export archives (a plain tar of app_list and .dam files). Recognised by content.
import { stat } from 'node:fs/promises';
import { DamError, errnoCode } from '../../core/errors.js';
import type { BundleContents, Bundles } from '../../core/ports/bundle.js';
import type { Engine } from '../../core/ports/engine.js';
import { parseImageConfig } from '../../core/archive/docker-save.js';
import { readIndex } from './bundle-reader.js';
import { decompressedStream, sniff } from './compression.js';
import { loadDam1Export, scanDam1Export } from './dam1-export.js';
import { loadBundle } from './load-bundle.js';
import { verifyBundle } from './verify-bundle.js';
import { readIndex2, verifyBundle2, type OpenedIndex2 } from './oci-read.js';
import { loadBundle2 } from './oci-load.js';
import { bundleInvalid, firstMember, isTarHeader } from './tar-walk.js';
import { bundleBudget, checkStatedSizes, statedLayerSizes } from './unpack-limit.js';
import type { BundleIndex } from '../../core/bundle/index-format.js';

export interface TarBundlesOptions {
  /** Free bytes where the engine keeps its images, when the engine is on this host: a load may not unpack more. */
  freeBytes?: () => Promise<number | undefined>;
}

export class TarBundles implements Bundles {
  constructor(
    private readonly engine: Engine,
    private readonly options: TarBundlesOptions = {},
  ) {}

  async open(path: string, signal?: AbortSignal): Promise<BundleContents | undefined> {
    await regularFile(path);
    const { compression, head } = await sniff(path);
    if (compression === 'none' && !isTarHeader(head)) return undefined;
    if (compression === 'none') {
      const oci = await readIndex2(path);
      if (oci) {
        checkStatedSizes(path, await bundleBudget(path), (await statedLayerSizes(path, oci.images)).sizes);
        return contents2(path, oci);
      }
    }
    const opened = await readIndex(path, compression);
    if (opened) {
      const { index, indexSha256 } = opened;
      checkStatedSizes(path, await bundleBudget(path), statedBlobSizes(index));
      return {
        path,
        kind: 'bundle',
        format: 1,
        compression,
        indexSha256,
        product: index.product,
        images: index.images.map((img) => ({
          tags: img.tags,
          imageId: img.imageId,
          labels: parseImageConfig(JSON.parse(img.config), path, 'config').labels,
          layers: img.layers,
          meta: img.meta,
        })),
        omittedLayers: index.omittedLayers,
        layerBytes: index.blobs.reduce((sum, b) => sum + b.size, 0),
      };
    }
    const first = await firstMember(decompressedStream(path, compression), path, 0);
    const looks1x =
      compression === 'none' && first !== undefined && (first.name === 'app_list' || first.name.endsWith('.dam'));
    if (!looks1x)
      throw bundleInvalid(
        path,
        `it is an archive but neither a DAM bundle nor a DAM 1.x export (its first member is '${first?.name ?? 'none'}')`,
        'Give a file made by dam export --all (or DAM 1.x export --all), or an app list.',
      );
    const scan = await scanDam1Export(path, signal);
    return {
      path,
      kind: 'dam1-export',
      compression,
      product: scan.product,
      images: scan.images,
      omittedLayers: [],
      layerBytes: scan.layerBytes,
      file: scan.file,
    };
  }

  async verify(contents: BundleContents, signal?: AbortSignal): Promise<void> {
    if (contents.kind === 'dam1-export') {
      await scanDam1Export(contents.path, signal);
      return;
    }
    if (contents.format === 2) return verifyBundle2(contents.path, indexShaOf(contents), signal);
    const unpack = await bundleBudget(contents.path);
    await verifyBundle(contents.path, contents.compression, indexShaOf(contents), signal, unpack);
  }

  async load(
    contents: BundleContents,
    signal?: AbortSignal,
    stageMeta?: (imageId: string) => string,
  ): Promise<string[]> {
    const freeBytes = await this.options.freeBytes?.();
    if (contents.kind === 'dam1-export') {
      await loadDam1Export(contents, this.engine, signal, freeBytes);
      return [];
    }
    if (contents.format === 2) {
      const oci = await readIndex2(contents.path);
      if (!oci || oci.indexSha256 !== contents.indexSha256)
        throw bundleInvalid(
          contents.path,
          'its index changed since the bundle was opened',
          'Do not change the file while DAM reads it; run the command again.',
        );
      return loadBundle2(
        contents.path,
        oci.indexSha256,
        contents.images.map((i) => i.imageId),
        oci.images,
        this.engine,
        signal,
        stageMeta,
        freeBytes,
      );
    }
    const opened = await readIndex(contents.path, contents.compression);
    if (!opened || opened.indexSha256 !== contents.indexSha256)
      throw bundleInvalid(
        contents.path,
        'its index changed since the bundle was opened',
        'Do not change the file while DAM reads it; run the command again.',
      );
    const unpack = await bundleBudget(contents.path, freeBytes);
    checkStatedSizes(contents.path, unpack, statedBlobSizes(opened.index));
    return loadBundle(
      contents.path,
      contents.compression,
      opened.index,
      opened.indexSha256,
      this.engine,
      signal,
      stageMeta,
      unpack,
    );
  }
}

function contents2(path: string, opened: OpenedIndex2): BundleContents {
  const sizes = new Map(opened.index.blobs.map((b) => [b.digest, b.size]));
  const images = opened.images.map((img) => ({
    tags: img.tags,
    imageId: img.imageId,
    labels: img.labels,
    layers: img.layers,
    platform: img.platform,
    storedBytes: img.parsed.layers.reduce((sum, l) => sum + (sizes.get(l.digest) ?? 0), 0),
    ...(img.meta ? { meta: img.meta } : {}),
  }));
  const layerBytes = opened.index.blobs.reduce((sum, b) => sum + b.size, 0);
  return {
    path,
    kind: 'bundle',
    format: 2,
    compression: 'none',
    indexSha256: opened.indexSha256,
    product: opened.index.product,
    images,
    omittedLayers: opened.index.omittedLayers,
    layerBytes,
  };
}

/** A format 1 bundle's blobs are uncompressed layer tars: their sizes are what a load unpacks. */
const statedBlobSizes = (index: BundleIndex) =>
  index.blobs.map((b) => ({ layer: `sha256:${b.sha256}`, bytes: b.size }));

function indexShaOf(contents: BundleContents): string {
  if (contents.indexSha256 === undefined) throw new Error('a bundle without its index digest');
  return contents.indexSha256;
}

async function regularFile(path: string): Promise<void> {
  try {
    const s = await stat(path);
    if (!s.isFile())
      throw new DamError(
        'USAGE',
        `'${path}' is not a regular file.`,
        'Give the path of a bundle, an app list or a product file.',
      );
  } catch (err) {
    if (errnoCode(err) === 'ENOENT')
      throw new DamError('NOT_FOUND', `The file '${path}' does not exist.`, 'Check the path.');
    throw err;
  }
}

export function createBundles(engine: Engine, options: TarBundlesOptions = {}): Bundles {
  return new TarBundles(engine, options);
}
