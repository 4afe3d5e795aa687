// `dam export --all --from PRODUCT OUT`: a bundle of format 2 from a product file (a DAM 1.x app list or a
// JSON product), read straight from the product's registries. No engine is contacted and no script runs.
import { DamError, errnoCode } from '../core/errors.js';
import { formatBytes } from '../core/bytes.js';
import { parseProductJson, parseTextList, type Product, type ProductApp } from '../core/product.js';
import { parseRef, resolveAppRef } from '../core/ref.js';
import { defaultRepo, repoPrefix, type State } from '../core/state.js';
import type { Platform } from '../core/ports/registry.js';
import type { Inventory } from '../core/bundle/inventory.js';
import { formatPlatform } from '../core/platform.js';
import { planProductExport, type ProductExport } from './export-product.js';
import { normalizePlatform, platformMatches } from '../core/platform.js';
import { planLayers } from '../core/bundle/chain.js';
import { BUNDLE_FORMAT_2, blobsFor, type BundleIndex2 } from '../core/bundle/index-format2.js';
import type { BundleWriter, Compression } from '../core/ports/bundle-write.js';
import type { Engine } from '../core/ports/engine.js';
import type { InputFiles } from '../core/ports/host.js';
import { registryFor, type RegistryPorts } from './registry-access.js';
import { repoForReading } from '../core/repo-resolution.js';

/** Progress that stops: a meter line on stderr, or the engine's save streams counted. */
export interface Meter {
  stop(): void;
}

export interface ExportFromPorts extends RegistryPorts {
  engine(): Promise<Engine>;
  bundles: BundleWriter;
  files: InputFiles;
  report: {
    info(message: string): void;
    /** A byte meter of `total`, reading how far the work is from `sample`. */
    meter(label: string, total: number, sample: () => number): Meter;
    /** The engine with its `docker save` reads of `refs` metered over `passes` passes. */
    meterSaves(engine: Engine, refs: string[], passes: number): Promise<Meter & { engine: Engine }>;
  };
}

/** The text of an input file, or NOT_FOUND saying what `what` is missing and how to get one (`hint`). */
export async function readInputFile(files: InputFiles, path: string, what: string, hint: string): Promise<string> {
  try {
    return await files.readText(path);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') throw new DamError('NOT_FOUND', `The ${what} '${path}' does not exist.`, hint);
    throw err;
  }
}

export async function readProductFile(files: InputFiles, path: string): Promise<Product> {
  const text = await readInputFile(
    files,
    path,
    'product file',
    'Give an app list (name:version lines) or a JSON product file.',
  );
  return text.trimStart().startsWith('{') ? parseProductJson(text, path) : parseTextList(text, path);
}

/** The full reference of a product app: its tag, else its repo's `server/name:version`, else the default repo's. */
export function appReference(app: ProductApp, state: State): string {
  if (app.tag !== undefined) return app.tag;
  if (app.repo !== undefined)
    return `${app.repo.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '')}/${app.name}:${app.version}`;
  return `${repoPrefix(defaultRepo(state))}${app.name}:${app.version}`;
}

export interface ExportFromOptions {
  from: string;
  out: string;
  platforms: Platform[];
  name?: string | undefined;
  delta?: Inventory | undefined;
  /** Take the images from the local engine's cache instead of the registries. */
  local?: boolean;
  compress?: Compression;
}

/** The product's images from the engine's cache, each distinct layer compressed once. */
async function planFromEngine(
  ports: ExportFromPorts,
  state: State,
  product: Product,
  options: ExportFromOptions,
): Promise<ProductExport & { cleanup(): Promise<void> }> {
  const engine = await ports.engine();
  const byId = new Map<string, string[]>();
  const apps: ProductApp[] = [];
  for (const app of product.apps) {
    const tag = appReference(app, state);
    const info = await engine.inspectImage(tag);
    if (!info)
      throw new DamError(
        'NOT_FOUND',
        `The image '${tag}' of ${app.name}:${app.version} is not in the local Docker cache.`,
        'Pull or build it first, or export from the registries (leave out --local).',
      );
    if (!options.platforms.some((p) => platformMatches(normalizePlatform(info.os, info.architecture), p)))
      throw new DamError(
        'NOT_FOUND',
        `The local image '${tag}' is for ${info.os}/${info.architecture}, not ${options.platforms.map(formatPlatform).join(', ')}.`,
        'Leave out --local to read other platforms from the registries.',
      );
    byId.set(info.id, [...(byId.get(info.id) ?? []), tag]);
    apps.push({
      name: app.name,
      version: app.version,
      tag,
      ...(app.family !== undefined ? { family: app.family } : {}),
      ...(app.repo !== undefined ? { repo: app.repo } : {}),
    });
  }
  const metered = await ports.report.meterSaves(engine, [...byId.keys()], 1);
  const staged = await ports.bundles
    .stage(
      metered.engine,
      [...byId].map(([id, tags]) => ({ id, tags })),
      options.out,
      options.compress ?? 'gzip',
      ports.signal,
    )
    .finally(() => metered.stop());
  const omitted = options.delta
    ? planLayers(
        staged.images.map((i) => i.layers),
        new Set(options.delta.chains),
      ).omitted
    : [];
  const index: BundleIndex2 = {
    format: BUNDLE_FORMAT_2,
    product: { ...product, apps },
    images: staged.images.map((img) => ({
      tags: img.tags,
      platform: img.platform,
      manifest: img.manifest,
      config: img.config,
    })),
    blobs: blobsFor(staged.images, new Set(omitted), staged.unpacked),
    omittedLayers: [...omitted].sort(),
  };
  return { index, images: staged.images, openLayer: staged.openLayer, cleanup: staged.cleanup };
}

export async function exportFromProduct(ports: ExportFromPorts, state: State, options: ExportFromOptions) {
  const product = await readProductFile(ports.files, options.from);
  if (product.apps.length === 0)
    throw new DamError('USAGE', `The product '${options.from}' lists no apps.`, 'Add the apps to the product file.');
  const closers: Array<() => Promise<void>> = [];
  try {
    const named = options.name !== undefined ? { ...product, name: options.name } : product;
    let planned: ProductExport;
    if (options.local) {
      const fromEngine = await planFromEngine(ports, state, named, options);
      closers.push(fromEngine.cleanup);
      planned = fromEngine;
    } else
      planned = await planProductExport(
        {
          sourceOf: async (app) => {
            const ref =
              app.tag !== undefined
                ? parseRef(app.tag)
                : resolveAppRef(appReference(app, state), repoPrefix(defaultRepo(state)));
            const handle = await registryFor(ports, repoForReading(state, ref).repo, ref);
            closers.push(handle.close);
            const tag = appReference(app, state);
            return { tag, source: { registry: handle.registry, path: handle.path, ref: ref.tag } };
          },
        },
        named,
        options.platforms,
        { source: options.from, ...(options.delta ? { delta: options.delta } : {}) },
      );
    const layerDigests = new Set(planned.images.flatMap((i) => i.parsed.layers.map((l) => l.digest)));
    const layers = planned.index.blobs.filter((b) => layerDigests.has(b.digest));
    const total = layers.reduce((sum, b) => sum + b.size, 0);
    ports.report.info(
      `Writing a bundle of ${product.apps.length} app(s) for ${options.platforms.map(formatPlatform).join(', ')} to '${options.out}': ${planned.index.blobs.length} blob(s), ${formatBytes(total)} of layers...`,
    );
    const started = Date.now();
    let written = 0;
    const meter = ports.report.meter(
      `Writing ${options.out}`,
      planned.index.blobs.reduce((sum, b) => sum + b.size, 0),
      () => written,
    );
    const bytes = await ports.bundles
      .writeFormat2(planned.index, planned.images, planned.openLayer, {
        out: options.out,
        signal: ports.signal,
        onProgress: (n) => {
          written = n;
        },
      })
      .finally(() => meter.stop());
    ports.report.info(
      `Wrote '${options.out}': ${formatBytes(bytes)} in ${((Date.now() - started) / 1000).toFixed(1)}s.`,
    );
    return {
      path: options.out,
      format: 'bundle',
      bundleFormat: 2,
      bytes,
      apps: planned.index.product.apps.length,
      images: planned.index.images.length,
      platforms: [...new Set(planned.images.map((i) => formatPlatform(i.platform)))],
      layers: layers.length,
      layerBytes: total,
      omittedLayers: planned.index.omittedLayers,
    };
  } finally {
    for (const close of closers) await close();
  }
}
