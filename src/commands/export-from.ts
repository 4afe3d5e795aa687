// `dam export --all --from PRODUCT OUT`: a bundle of format 2 from a product file (a DAM 1.x app list or a
// JSON product), read straight from the product's registries. No engine is contacted and no script runs.
import { readFile } from 'node:fs/promises';
import { DamError, errnoCode } from '../core/errors.js';
import { parseProductJson, parseTextList, type Product, type ProductApp } from '../core/product.js';
import { parseRef, resolveAppRef } from '../core/ref.js';
import { defaultRepo, repoPrefix, type State } from '../core/state.js';
import type { Platform } from '../core/ports/registry.js';
import type { Inventory } from '../core/bundle/inventory.js';
import { formatPlatform } from '../core/platform.js';
import { planProductExport } from '../app/export-product.js';
import { writeOciBundle } from '../adapters/bundle/oci-write.js';
import type { Context } from '../cli/context.js';
import { formatBytes } from '../cli/progress.js';
import { registryFor, repoForRef } from './registry-access.js';

export async function readProductFile(path: string): Promise<Product> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') throw new DamError('NOT_FOUND', `The product file '${path}' does not exist.`, 'Give an app list (name:version lines) or a JSON product file.');
    throw err;
  }
  return text.trimStart().startsWith('{') ? parseProductJson(text, path) : parseTextList(text, path);
}

/** The full reference of a product app: its tag, else its repo's `server/name:version`, else the default repo's. */
export function appReference(app: ProductApp, state: State): string {
  if (app.tag !== undefined) return app.tag;
  if (app.repo !== undefined) return `${app.repo.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '')}/${app.name}:${app.version}`;
  return `${repoPrefix(defaultRepo(state))}${app.name}:${app.version}`;
}

export interface ExportFromOptions {
  from: string;
  out: string;
  platforms: Platform[];
  name?: string | undefined;
  delta?: Inventory | undefined;
}

export async function exportFromProduct(ctx: Context, state: State, options: ExportFromOptions) {
  const product = await readProductFile(options.from);
  if (product.apps.length === 0) throw new DamError('USAGE', `The product '${options.from}' lists no apps.`, 'Add the apps to the product file.');
  const closers: Array<() => Promise<void>> = [];
  try {
    const planned = await planProductExport({
      sourceOf: async (app) => {
        const ref = app.tag !== undefined ? parseRef(app.tag) : resolveAppRef(appReference(app, state), repoPrefix(defaultRepo(state)));
        const handle = await registryFor(ctx, repoForRef(state, ref), ref);
        closers.push(handle.close);
        const tag = appReference(app, state);
        return { tag, source: { registry: handle.registry, path: handle.path, ref: ref.tag } };
      },
    }, options.name !== undefined ? { ...product, name: options.name } : product, options.platforms, { source: options.from, ...(options.delta ? { delta: options.delta } : {}) });
    const layerDigests = new Set(planned.images.flatMap((i) => i.parsed.layers.map((l) => l.digest)));
    const layers = planned.index.blobs.filter((b) => layerDigests.has(b.digest));
    const total = layers.reduce((sum, b) => sum + b.size, 0);
    ctx.log.info(`Writing a bundle of ${product.apps.length} app(s) for ${options.platforms.map(formatPlatform).join(', ')} to '${options.out}': ${planned.index.blobs.length} blob(s), ${formatBytes(total)} of layers...`);
    const started = Date.now();
    const bytes = await writeOciBundle(planned.index, planned.images, planned.openLayer, { out: options.out, signal: ctx.signal });
    ctx.log.info(`Wrote '${options.out}': ${formatBytes(bytes)} in ${((Date.now() - started) / 1000).toFixed(1)}s.`);
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
    for (const close of closers.splice(0, 1)) await close();
  }
}
