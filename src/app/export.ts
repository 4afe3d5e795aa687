// `dam export FILE`: the installed apps as an app list (1.x), a JSON product, or with --all a bundle of the
// product and its images. The file is always replaced atomically (1.x wrote over it without truncating and
// left stale bytes); an existing file that is not an export is kept unless --force.
import { basename, dirname, join } from 'node:path';
import { DamError } from '../core/errors.js';
import { formatBytes } from '../core/bytes.js';
import { formatProductJson, formatTextList, PRODUCT_FORMAT, type Product, type ProductApp } from '../core/product.js';
import { parseInventory, type Inventory } from '../core/bundle/inventory.js';
import type { State } from '../core/state.js';
import type { Engine } from '../core/ports/engine.js';
import type { InputFiles, OutputFiles } from '../core/ports/host.js';
import type { Compression, DamExecutable, ExportImage } from '../core/ports/bundle-write.js';
import type { Platform } from '../core/ports/registry.js';
import { formatPlatform, type TargetPlatform } from '../core/target-platform.js';
import { exportDam1 } from './export-dam1.js';
import { exportFromProduct, readInputFile, type ExportFromPorts, type Meter } from './export-from.js';

export interface ExportPorts extends ExportFromPorts {
  outputs: OutputFiles;
  /** Signs the written file when the command asked (--sign); what was signed, else undefined. */
  sign(path: string): Promise<object | undefined>;
}

/** The export to write, as the command's options parse it (paths absolute). */
export interface ExportRequest {
  path: string;
  format: 'text' | 'json' | 'dam1';
  name?: string;
  all: boolean;
  compress: Compression;
  delta?: string;
  force: boolean;
  selfContained?: SelfContained;
  /** A product file to build the bundle from, instead of the installed apps. */
  from?: string;
  /** With `from`: the images from the local engine's cache instead of the registries. */
  local: boolean;
  platforms: Platform[];
}

export interface SelfContained {
  target: TargetPlatform;
  /** Finds the executable (before any engine work, so a missing one fails early). */
  executable: () => Promise<DamExecutable>;
}

/** Where the bundle is written before it goes behind the executable: a hidden sibling of FILE. */
export function bundleTemp(out: string): string {
  return join(dirname(out), `.${basename(out)}.${process.pid}.bundle`);
}

/** Writes FILE from the executable and the bundle just written (which is then removed); FILE's size. */
async function behindExecutable(
  ports: ExportPorts,
  target: TargetPlatform,
  exe: DamExecutable,
  bundle: string,
  out: string,
): Promise<{ path: string; bytes: number }> {
  ports.report.info(`Putting DAM's executable for ${formatPlatform(target)} (${exe.path}) in front of the bundle...`);
  return { path: out, bytes: await ports.bundles.selfContained(exe, bundle, out) };
}

/** Refuses a target that is a folder, in a missing folder, or an existing file that no export wrote (unless forced). */
async function checkTarget(ports: ExportPorts, options: ExportRequest): Promise<void> {
  const parent = await ports.files.typeOf(dirname(options.path));
  if (parent === undefined)
    throw new DamError(
      'NOT_FOUND',
      `The folder '${dirname(options.path)}' does not exist.`,
      'Create it first, or give another path.',
    );
  if (parent !== 'directory')
    throw new DamError(
      'NOT_FOUND',
      `'${dirname(options.path)}' is not a folder.`,
      'Give a path in an existing folder.',
    );
  await ports.outputs.checkLink(options.path, options.force);
  const existing = await ports.files.typeOf(options.path);
  if (existing === undefined) return;
  if (existing !== 'file')
    throw new DamError(
      'CONFLICT',
      `'${options.path}' exists and is not a regular file.`,
      'Give the path of a file to write.',
    );
  if (options.force) return;
  const kind = await ports.bundles.recognize(options.path);
  if (kind === undefined)
    throw new DamError(
      'CONFLICT',
      `'${options.path}' exists and is not an export DAM wrote (an app list, a product file or a bundle).`,
      'Choose another file name, or add --force to replace it.',
    );
  // A forgotten --all must not turn a bundle into an 8-byte list, nor a stray --all a list into a bundle.
  const isArchive = kind === 'bundle' || kind === 'dam1-export';
  if (isArchive !== options.all) {
    throw new DamError(
      'CONFLICT',
      `'${options.path}' is ${isArchive ? 'a bundle' : 'an app list'}, and this export would replace it with ${options.all ? 'a bundle' : 'an app list'}.`,
      isArchive
        ? 'Add --all to write a bundle again, choose another file name, or add --force to replace it.'
        : 'Leave out --all to write a list again, choose another file name, or add --force to replace it.',
    );
  }
}

function productOf(state: State, name: string | undefined, images?: Map<number, string>): Product {
  const apps = state.apps.map((a): ProductApp => {
    const app: ProductApp = {
      name: a.name,
      version: a.version,
      tag: a.tag,
      imageId: images?.get(a.id) ?? a.imageId,
      family: a.family,
    };
    const repo = state.repos.find((r) => r.id === a.repoId);
    if (repo) app.repo = repo.server;
    return app;
  });
  const product: Product = { format: PRODUCT_FORMAT, apps };
  if (name !== undefined) product.name = name;
  return product;
}

async function readDelta(files: InputFiles, path: string): Promise<Inventory> {
  const text = await readInputFile(files, path, 'inventory', 'Write it on the target host with dam inventory -o FILE.');
  return parseInventory(text, path);
}

/** Each installed app's image, by the app's tag or else its recorded id; NOT_FOUND naming the app. */
async function appImages(engine: Engine, state: State): Promise<{ images: ExportImage[]; ids: Map<number, string> }> {
  const images: ExportImage[] = [];
  const ids = new Map<number, string>();
  for (const app of state.apps) {
    const info = (await engine.inspectImage(app.tag)) ?? (await engine.inspectImage(app.imageId));
    if (!info || (app.imageId.startsWith('sha256:') && info.id !== app.imageId)) {
      throw new DamError(
        'NOT_FOUND',
        `The image of the installed app ${app.name}:${app.version} (${app.tag}, ${app.imageId}) is not in the engine.`,
        `Run dam doctor; reinstall the app (dam install ${app.name}:${app.version}) or remove it before exporting.`,
      );
    }
    ids.set(app.id, info.id);
    images.push({ ref: info.id, tags: [app.tag] });
  }
  return { images, ids };
}

/** Writes the export `options` asks for (after the signing options are checked); what was written. */
export async function exportApps(ports: ExportPorts, options: ExportRequest): Promise<Record<string, unknown>> {
  const state = await ports.store().read();
  const delta = options.delta === undefined ? undefined : await readDelta(ports.files, options.delta);
  await checkTarget(ports, options);
  if (options.from !== undefined) {
    const exe = options.selfContained ? await options.selfContained.executable() : undefined;
    const bundlePath = exe ? bundleTemp(options.path) : options.path;
    const data = await exportFromProduct(ports, state, {
      from: options.from,
      out: bundlePath,
      platforms: options.platforms,
      name: options.name,
      delta,
      local: options.local,
      compress: options.compress,
    });
    if (exe && options.selfContained)
      Object.assign(data, await behindExecutable(ports, options.selfContained.target, exe, bundlePath, options.path), {
        format: 'self-contained',
      });
    const signature = await ports.sign(data.path);
    return { ...data, ...(signature ? { signature } : {}) };
  }
  if (!options.all) {
    const product = productOf(state, options.name);
    await ports.outputs.writeAtomic(
      options.path,
      options.format === 'json' ? formatProductJson(product) : formatTextList(product),
      0o644,
    );
    ports.report.info(`Export app list to file '${options.path}'`);
    return { path: options.path, format: options.format, apps: product.apps.length };
  }
  if (state.apps.length === 0)
    throw new DamError(
      'NOT_FOUND',
      'No apps are installed: there is nothing to put in a bundle.',
      'Install apps first (dam install), or export an empty list without --all.',
    );
  const exe = options.selfContained ? await options.selfContained.executable() : undefined;
  const engine = await ports.engine();
  const { images, ids } = await appImages(engine, state);
  const metered = await ports.report.meterSaves(
    engine,
    images.map((i) => i.ref),
    options.format === 'dam1' ? 1 : 2,
  );
  try {
    if (options.format === 'dam1') return await exportDam1(ports, options.path, metered.engine, state, images);
    return await exportBundle(ports, options, { metered, state, images, ids, exe, delta });
  } finally {
    metered.stop();
  }
}

async function exportBundle(
  ports: ExportPorts,
  options: ExportRequest,
  {
    metered,
    state,
    images,
    ids,
    exe,
    delta,
  }: {
    metered: Meter & { engine: Engine };
    state: State;
    images: ExportImage[];
    ids: Map<number, string>;
    exe: DamExecutable | undefined;
    delta: Inventory | undefined;
  },
): Promise<Record<string, unknown>> {
  ports.report.info(
    `Writing ${options.compress === 'none' ? 'an uncompressed' : `a ${options.compress}`} bundle of ${state.apps.length} app(s) to '${options.path}'${delta ? ' (a delta)' : ''}...`,
  );
  const started = Date.now();
  const bundlePath = exe ? bundleTemp(options.path) : options.path;
  const written = await ports.bundles
    .write(metered.engine, productOf(state, options.name, ids), images, {
      out: bundlePath,
      compress: options.compress,
      ...(delta ? { delta } : {}),
      signal: ports.signal,
    })
    .finally(() => metered.stop());
  if (exe && options.selfContained)
    Object.assign(written, await behindExecutable(ports, options.selfContained.target, exe, bundlePath, options.path));
  ports.report.info(
    `Export app list to apps archive '${options.path}': ${formatBytes(written.bytes)}, ${written.index.blobs.length} layer(s)${written.index.omittedLayers.length ? `, ${written.index.omittedLayers.length} left out` : ''}, in ${((Date.now() - started) / 1000).toFixed(1)}s.`,
  );
  const signature = await ports.sign(written.path);
  return {
    path: written.path,
    format: exe ? 'self-contained' : 'bundle',
    compression: written.compression,
    bytes: written.bytes,
    apps: written.index.product.apps.length,
    images: written.index.images.length,
    layers: written.index.blobs.length,
    layerBytes: written.layerBytes,
    omittedLayers: written.index.omittedLayers,
    ...(signature ? { signature } : {}),
  };
}
