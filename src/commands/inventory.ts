// `dam inventory`: what this host has (installed apps, every layer its engine holds), as JSON on stdout or
// in a file, for `dam export --all --delta` on the connected side.
import { resolve } from 'node:path';
import { buildInventory, formatInventory } from '../core/bundle/inventory.js';
import { writeFileAtomic } from '../adapters/store/atomic.js';
import { engineImageLayers } from '../adapters/bundle/engine-layers.js';
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import type { InventoryOptions } from './inventory.command.js';

export async function run(ctx: Context, { opts }: CommandInput<InventoryOptions>): Promise<CommandResult> {
  const state = await ctx.store().read();
  const engine = await ctx.engine();
  const apps = state.apps.map((a) => ({ name: a.name, version: a.version, tag: a.tag, imageId: a.imageId }));
  const inventory = buildInventory(apps, await engineImageLayers(engine));
  if (typeof opts.output !== 'string') return { data: inventory, text: formatInventory(inventory) };
  const path = resolve(ctx.cwd, opts.output);
  await writeFileAtomic(path, formatInventory(inventory), 0o644);
  ctx.log.info(`Wrote the inventory (${apps.length} app(s), ${inventory.layers.length} layer(s)) to '${path}'.`);
  return { data: { path, apps: apps.length, layers: inventory.layers.length } };
}
