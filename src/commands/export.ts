// `dam export FILE`: the installed apps as an app list (1.x), a JSON product, or with --all a bundle of the
// product and its images. The file is always replaced atomically (1.x wrote over it without truncating and
// left stale bytes); an existing file that is not an export is kept unless --force.
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DamError, errnoCode, usageError } from '../core/errors.js';
import { formatProductJson, formatTextList, PRODUCT_FORMAT, type Product, type ProductApp } from '../core/product.js';
import { parseInventory, type Inventory } from '../core/bundle/inventory.js';
import type { State } from '../core/state.js';
import type { Engine } from '../core/ports/engine.js';
import { checkOutputLink, writeFileAtomic } from '../adapters/store/atomic.js';
import { COMPRESSIONS, type Compression } from '../adapters/bundle/compression.js';
import { recognizeExport } from '../adapters/bundle/recognize.js';
import { writeBundle, type ExportImage } from '../adapters/bundle/write-bundle.js';
import { exportDam1 } from './export-dam1.js';
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { formatBytes } from '../cli/progress.js';
import { checkExportSigning, signExport } from './sign.js';
import { bundleTemp, parseSelfContained, writeSelfContainedExport, type SelfContained } from './export-self-contained.js';
import { exportFromProduct } from './export-from.js';
import { meteredSaves, type MeteredEngine } from '../cli/save-meter.js';
import { parsePlatforms } from '../core/platform.js';
import type { Platform } from '../core/ports/registry.js';
import { hostPlatform } from '../adapters/registry/manifest.js';
import type { ExportOptions as ExportFlags } from './export.command.js';

interface ExportOptions {
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
  platforms: Platform[];
}

function parseOptions(ctx: Context, { args, opts }: CommandInput<ExportFlags>): ExportOptions {
  const file = args[0];
  if (!file) throw usageError('Name the file to export to.', 'dam export FILE (an app list), --format json (a product), or --all (a bundle).');
  const all = opts.all === true;
  const format = opts.format ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'dam1') throw usageError(`--format '${String(format)}' is not text, json or dam1.`, 'Use --format text (the 1.x list), --format json (the product file), or --all --format dam1 (the 1.x export archive).');
  if (format === 'dam1') checkDam1Options(all, opts);
  else if (all && opts.format !== undefined) throw usageError(`--format ${String(format)} does not apply to --all: a bundle always carries the JSON product.`, 'Leave out --format, or use --format dam1 for a DAM 1.x export archive.');
  if (!all && opts.compress !== undefined) throw usageError('--compress applies to bundles only.', 'Add --all to write a bundle.');
  if (!all && opts.delta !== undefined) throw usageError('--delta applies to bundles only.', 'Add --all: dam export --all --delta INVENTORY FILE.');
  const compress = (opts.compress ?? 'gzip') as Compression;
  if (!COMPRESSIONS.includes(compress)) throw usageError(`--compress '${String(opts.compress)}' is not gzip, zstd or none.`);
  if (opts.name !== undefined && typeof opts.name !== 'string') throw usageError('--name needs a value.');
  if (opts.name !== undefined && (opts.name === '' || /[\p{Cc}]/u.test(opts.name))) throw usageError(`The product name '${opts.name}' is empty or holds control characters.`);
  if (opts.local !== undefined && opts.from === undefined) throw usageError('--local applies with --from PRODUCT.', 'dam export --all --from PRODUCT --local FILE.');
  if (!all && (opts.from !== undefined || opts.platform !== undefined)) throw usageError('--from and --platform apply to bundles only.', 'Add --all: dam export --all --from PRODUCT FILE.');
  const platforms = parsePlatforms(Array.isArray(opts.platform) ? opts.platform.map(String) : []);
  const selfContainedAsked = opts.selfContained === true;
  if (opts.platform !== undefined && opts.from === undefined && !selfContainedAsked) {
    throw usageError('--platform applies with --from PRODUCT (the images\' platforms) or --self-contained (the executable\'s): installed apps have the platform of this engine.', 'dam export --all --from PRODUCT --platform linux/arm64 FILE.');
  }
  if (selfContainedAsked && platforms.length > 1) throw usageError('A self-contained product runs on one platform: give one --platform.', 'Write one file per platform: dam export --all --self-contained --platform linux/arm64 FILE.');
  const out: ExportOptions = { path: resolve(ctx.cwd, file), format, all, compress, force: opts.force === true, platforms: platforms.length > 0 ? platforms : [hostPlatform()] };
  if (typeof opts.from === 'string') out.from = resolve(ctx.cwd, opts.from);
  if (typeof opts.name === 'string') out.name = opts.name;
  if (typeof opts.delta === 'string') out.delta = resolve(ctx.cwd, opts.delta);
  const selfContained = parseSelfContained(ctx, { ...opts, platform: selfContainedAsked && platforms[0] ? `${platforms[0].os}/${platforms[0].architecture}` : undefined }, all);
  if (selfContained) out.selfContained = selfContained;
  return out;
}

function checkDam1Options(all: boolean, opts: Record<string, unknown>): void {
  if (!all) throw usageError('--format dam1 writes the DAM 1.x export archive, which carries the images: it needs --all.', 'dam export --all --format dam1 FILE');
  for (const flag of ['compress', 'delta'] as const) {
    if (opts[flag] !== undefined) throw usageError(`--${flag} does not apply to --format dam1: DAM 1.x reads only its own uncompressed archive of whole .dam files.`, `Leave out --${flag}.`);
  }
}

/** Refuses a target that is a folder, in a missing folder, or an existing file that no export wrote (unless forced). */
async function checkTarget(options: ExportOptions): Promise<void> {
  try {
    const parent = await stat(dirname(options.path));
    if (!parent.isDirectory()) throw new DamError('NOT_FOUND', `'${dirname(options.path)}' is not a folder.`, 'Give a path in an existing folder.');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') throw new DamError('NOT_FOUND', `The folder '${dirname(options.path)}' does not exist.`, 'Create it first, or give another path.');
    throw err;
  }
  await checkOutputLink(options.path, options.force);
  let existing: Awaited<ReturnType<typeof stat>>;
  try {
    existing = await stat(options.path);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return;
    throw err;
  }
  if (!existing.isFile()) throw new DamError('CONFLICT', `'${options.path}' exists and is not a regular file.`, 'Give the path of a file to write.');
  if (options.force) return;
  const kind = await recognizeExport(options.path);
  if (kind === undefined) throw new DamError('CONFLICT', `'${options.path}' exists and is not an export DAM wrote (an app list, a product file or a bundle).`, 'Choose another file name, or add --force to replace it.');
  // A forgotten --all must not turn a bundle into an 8-byte list, nor a stray --all a list into a bundle.
  const isArchive = kind === 'bundle' || kind === 'dam1-export';
  if (isArchive !== options.all) {
    throw new DamError('CONFLICT', `'${options.path}' is ${isArchive ? 'a bundle' : 'an app list'}, and this export would replace it with ${options.all ? 'a bundle' : 'an app list'}.`,
      isArchive ? 'Add --all to write a bundle again, choose another file name, or add --force to replace it.' : 'Leave out --all to write a list again, choose another file name, or add --force to replace it.');
  }
}

function productOf(state: State, name: string | undefined, images?: Map<number, string>): Product {
  const apps = state.apps.map((a): ProductApp => {
    const app: ProductApp = { name: a.name, version: a.version, tag: a.tag, imageId: images?.get(a.id) ?? a.imageId, family: a.family };
    const repo = state.repos.find((r) => r.id === a.repoId);
    if (repo) app.repo = repo.server;
    return app;
  });
  const product: Product = { format: PRODUCT_FORMAT, apps };
  if (name !== undefined) product.name = name;
  return product;
}

async function readDelta(path: string): Promise<Inventory> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') throw new DamError('NOT_FOUND', `The inventory '${path}' does not exist.`, 'Write it on the target host with dam inventory -o FILE.');
    throw err;
  }
  return parseInventory(text, path);
}

/** Each installed app's image, by the app's tag or else its recorded id; NOT_FOUND naming the app. */
async function appImages(engine: Engine, state: State): Promise<{ images: ExportImage[]; ids: Map<number, string> }> {
  const images: ExportImage[] = [];
  const ids = new Map<number, string>();
  for (const app of state.apps) {
    const info = (await engine.inspectImage(app.tag)) ?? (await engine.inspectImage(app.imageId));
    if (!info || (app.imageId.startsWith('sha256:') && info.id !== app.imageId)) {
      throw new DamError('NOT_FOUND', `The image of the installed app ${app.name}:${app.version} (${app.tag}, ${app.imageId}) is not in the engine.`, `Run dam doctor; reinstall the app (dam install ${app.name}:${app.version}) or remove it before exporting.`);
    }
    ids.set(app.id, info.id);
    images.push({ ref: info.id, tags: [app.tag] });
  }
  return { images, ids };
}

export async function run(ctx: Context, input: CommandInput<ExportFlags>): Promise<CommandResult> {
  const options = parseOptions(ctx, input);
  await checkExportSigning(ctx, input.opts);
  const state = await ctx.store().read();
  const delta = options.delta === undefined ? undefined : await readDelta(options.delta);
  await checkTarget(options);
  if (options.from !== undefined) {
    const exe = options.selfContained ? await options.selfContained.executable() : undefined;
    const bundlePath = exe ? bundleTemp(options.path) : options.path;
    const data = await exportFromProduct(ctx, state, { from: options.from, out: bundlePath, platforms: options.platforms, name: options.name, delta, local: input.opts.local === true, compress: options.compress });
    if (exe && options.selfContained) Object.assign(data, await writeSelfContainedExport(ctx, options.selfContained.target, exe, bundlePath, options.path), { format: 'self-contained' });
    const signature = await signExport(ctx, input.opts, data.path);
    return { data: { ...data, ...(signature ? { signature } : {}) } };
  }
  if (!options.all) {
    const product = productOf(state, options.name);
    await writeFileAtomic(options.path, options.format === 'json' ? formatProductJson(product) : formatTextList(product), 0o644);
    ctx.log.info(`Export app list to file '${options.path}'`);
    return { data: { path: options.path, format: options.format, apps: product.apps.length } };
  }
  if (state.apps.length === 0) throw new DamError('NOT_FOUND', 'No apps are installed: there is nothing to put in a bundle.', 'Install apps first (dam install), or export an empty list without --all.');
  const exe = options.selfContained ? await options.selfContained.executable() : undefined;
  const engine = await ctx.engine();
  const { images, ids } = await appImages(engine, state);
  const metered = await meteredSaves(ctx, engine, images.map((i) => i.ref), options.format === 'dam1' ? 1 : 2);
  try {
    if (options.format === 'dam1') return await exportDam1(ctx, input, options, metered.engine, state, images);
    return await exportBundle(ctx, input, options, { metered, state, images, ids, exe, delta });
  } finally {
    metered.stop();
  }
}

async function exportBundle(ctx: Context, input: CommandInput, options: ExportOptions, { metered, state, images, ids, exe, delta }: { metered: MeteredEngine; state: State; images: ExportImage[]; ids: Map<number, string>; exe: Awaited<ReturnType<SelfContained['executable']>> | undefined; delta: Inventory | undefined }): Promise<CommandResult> {
  ctx.log.info(`Writing ${options.compress === 'none' ? 'an uncompressed' : `a ${options.compress}`} bundle of ${state.apps.length} app(s) to '${options.path}'${delta ? ' (a delta)' : ''}...`);
  const started = Date.now();
  const bundlePath = exe ? bundleTemp(options.path) : options.path;
  const written = await writeBundle(metered.engine, productOf(state, options.name, ids), images, { out: bundlePath, compress: options.compress, ...(delta ? { delta } : {}), signal: ctx.signal }).finally(() => metered.stop());
  if (exe && options.selfContained) Object.assign(written, await writeSelfContainedExport(ctx, options.selfContained.target, exe, bundlePath, options.path));
  ctx.log.info(`Export app list to apps archive '${options.path}': ${formatBytes(written.bytes)}, ${written.index.blobs.length} layer(s)${written.index.omittedLayers.length ? `, ${written.index.omittedLayers.length} left out` : ''}, in ${((Date.now() - started) / 1000).toFixed(1)}s.`);
  const signature = await signExport(ctx, input.opts, written.path);
  return {
    data: {
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
    },
  };
}
