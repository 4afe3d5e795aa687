// `dam export --all --from PRODUCT`: a bundle of format 2 built from a product's definition, straight from
// its registries: for each app and each chosen platform, the manifest as the registry serves it (picked out
// of a manifest list or OCI index), its config, and then its layers streamed into the bundle, each once.
// No engine, no script.
import type { Readable } from 'node:stream';
import { DamError } from '../core/errors.js';
import type { Product, ProductApp } from '../core/product.js';
import type { Platform, Registry } from '../core/ports/registry.js';
import { formatPlatform, normalizePlatform, platformMatches } from '../core/platform.js';
import { planLayers } from '../core/bundle/chain.js';
import type { Inventory } from '../core/bundle/inventory.js';
import {
  BUNDLE_FORMAT_2,
  blobsFor,
  resolveImage,
  type Blob2,
  type BundleIndex2,
  type ResolvedImage2,
} from '../core/bundle/index-format2.js';
import { MEDIA_TYPES, parseImageManifest } from '../core/bundle/oci-manifest.js';

export interface ImageSource {
  registry: Registry;
  /** The repository path in that registry. */
  path: string;
  /** The tag (or digest) to read. */
  ref: string;
}

export interface ExportProductDeps {
  /** Where the app's image is: `tag` is the full reference the bundle gives it. */
  sourceOf(app: ProductApp): Promise<{ tag: string; source: ImageSource }>;
}

export interface ProductExport {
  index: BundleIndex2;
  images: ResolvedImage2[];
  /** Opens a layer blob of the index at its registry. */
  openLayer(blob: Blob2): Promise<Readable>;
}

const LIST_TYPES = new Set<string>([MEDIA_TYPES.dockerList, MEDIA_TYPES.ociIndex]);

interface ListEntry {
  digest: string;
  platform?: { os?: unknown; architecture?: unknown; variant?: unknown };
}

async function readBlobText(source: ImageSource, digest: string, max = 8 * 1024 * 1024): Promise<string> {
  const stream = await source.registry.openBlob(source.path, digest);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > max) {
      stream.destroy();
      throw new DamError(
        'REGISTRY_ERROR',
        `The config ${digest} of '${source.path}' on the ${source.registry.label} is larger than ${max} bytes.`,
      );
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function offeredPlatforms(entries: ListEntry[]): Platform[] {
  return entries.flatMap((e) =>
    typeof e.platform?.os === 'string' && typeof e.platform.architecture === 'string'
      ? [
          normalizePlatform(
            e.platform.os,
            e.platform.architecture,
            typeof e.platform.variant === 'string' ? e.platform.variant : undefined,
          ),
        ]
      : [],
  );
}

function lacking(tag: string, want: Platform, offered: Platform[], label: string): DamError {
  return new DamError(
    'NOT_FOUND',
    `The ${label} has '${tag}' only for ${offered.map(formatPlatform).join(', ') || 'no platform'}, not ${formatPlatform(want)}.`,
    'Choose the platforms it has (--platform), or push an image for this platform.',
  );
}

/** The image of one app for each platform, with its exact manifest and config bytes. */
async function imagesOf(
  tag: string,
  source: ImageSource,
  platforms: Platform[],
  bundleName: string,
): Promise<ResolvedImage2[]> {
  const top = await source.registry.rawManifest(source.path, source.ref);
  const chosen: Array<{ platform: Platform; manifest: string }> = [];
  if (LIST_TYPES.has(top.mediaType)) {
    const entries = (JSON.parse(top.bytes.toString('utf8')) as { manifests?: ListEntry[] }).manifests ?? [];
    const offered = offeredPlatforms(entries);
    for (const want of platforms) {
      const i = offered.findIndex((p) => platformMatches(p, want));
      if (i < 0) throw lacking(tag, want, offered, source.registry.label);
      const entry = entries.filter(
        (e) => typeof e.platform?.os === 'string' && typeof e.platform.architecture === 'string',
      )[i]!;
      const child = await source.registry.rawManifest(source.path, entry.digest);
      chosen.push({ platform: offered[i]!, manifest: child.bytes.toString('utf8') });
    }
  } else {
    chosen.push({ platform: { os: '', architecture: '' }, manifest: top.bytes.toString('utf8') });
  }
  const images: ResolvedImage2[] = [];
  for (const c of chosen) {
    const parsed = parseImageManifest(
      c.manifest,
      (what) =>
        new DamError(
          'REGISTRY_ERROR',
          `The ${source.registry.label} sent an invalid manifest for '${tag}': ${what}.`,
          'Push the image again.',
        ),
    );
    const config = await readBlobText(source, parsed.config.digest);
    const parsedConfig = JSON.parse(config) as { os?: unknown; architecture?: unknown; variant?: unknown };
    const own = normalizePlatform(
      String(parsedConfig.os ?? 'linux'),
      String(parsedConfig.architecture ?? ''),
      typeof parsedConfig.variant === 'string' ? parsedConfig.variant : undefined,
    );
    const platform = c.platform.os === '' ? own : c.platform;
    if (c.platform.os === '' && !platforms.some((p) => platformMatches(own, p)))
      throw lacking(
        tag,
        platforms.find((p) => !platformMatches(own, p))!,
        [own],
        source.registry.label,
      );
    images.push(resolveImage({ tags: [tag], platform, manifest: c.manifest, config }, bundleName, tag));
  }
  return images;
}

/** Reads the manifests and configs of every app of `product` for `platforms`; layers are opened later. */
export async function planProductExport(
  deps: ExportProductDeps,
  product: Product,
  platforms: Platform[],
  options: { source: string; delta?: Inventory },
): Promise<ProductExport> {
  const images: ResolvedImage2[] = [];
  const layerSource = new Map<string, ImageSource>();
  const apps: ProductApp[] = [];
  for (const app of product.apps) {
    const { tag, source } = await deps.sourceOf(app);
    for (const img of await imagesOf(tag, source, platforms, options.source)) {
      images.push(img);
      for (const l of img.parsed.layers) if (!layerSource.has(l.digest)) layerSource.set(l.digest, source);
    }
    apps.push({
      name: app.name,
      version: app.version,
      tag,
      ...(app.family !== undefined ? { family: app.family } : {}),
      ...(app.repo !== undefined ? { repo: app.repo } : {}),
    });
  }
  const omitted = options.delta
    ? planLayers(
        images.map((i) => i.layers),
        new Set(options.delta.chains),
      ).omitted
    : [];
  const index: BundleIndex2 = {
    format: BUNDLE_FORMAT_2,
    product: { ...product, apps },
    images: images.map((img) => ({
      tags: img.tags,
      platform: img.platform,
      manifest: img.manifest,
      config: img.config,
    })),
    blobs: blobsFor(images, new Set(omitted)),
    omittedLayers: [...omitted].sort(),
  };
  return {
    index,
    images,
    openLayer: async (blob) => {
      const source = layerSource.get(blob.digest);
      if (!source) throw new Error(`no source for ${blob.digest}`);
      return source.registry.openBlob(source.path, blob.digest);
    },
  };
}
