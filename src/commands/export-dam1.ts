// The `--all --format dam1` branch of `dam export`: DAM 1.x's export archive, for hosts still on 1.x.
import { formatBytes } from '../cli/progress.js';
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { PRODUCT_FORMAT } from '../core/product.js';
import type { State } from '../core/state.js';
import type { Engine } from '../core/ports/engine.js';
import type { ExportImage } from '../adapters/bundle/write-bundle.js';
import { writeDam1Export } from '../adapters/bundle/write-dam1-export.js';
import { signExport } from './sign.js';

export async function exportDam1(ctx: Context, input: CommandInput, options: { path: string }, engine: Engine, state: State, images: ExportImage[]): Promise<CommandResult> {
  const apps = state.apps.map((a, i) => ({ name: a.name, version: a.version, tag: a.tag, image: images[i]!.ref }));
  ctx.log.info(`Writing a DAM 1.x export archive of ${apps.length} app(s) to '${options.path}'...`);
  const written = await writeDam1Export(engine, { format: PRODUCT_FORMAT, apps: state.apps.map((a) => ({ name: a.name, version: a.version })) }, apps, {
    out: options.path,
    signal: ctx.signal,
    onApp: (tag) => ctx.log.info(`Preparing image ${tag} ...`),
  });
  ctx.log.info(`Export app list to apps archive '${options.path}': ${formatBytes(written.bytes)}, ${written.dams.length} .dam file(s).`);
  const signature = await signExport(ctx, input.opts, written.path);
  return { data: { path: written.path, format: 'dam1', bytes: written.bytes, apps: written.dams.length, dams: written.dams, ...(signature ? { signature } : {}) } };
}
