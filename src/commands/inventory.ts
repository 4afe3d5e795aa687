// `dam inventory`: what this host has, as JSON on stdout or in a file (-o).
import { resolve } from 'node:path';
import { formatInventory } from '../core/bundle/inventory.js';
import { takeInventory, writeInventory } from '../app/inventory.js';
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import type { InventoryOptions } from './inventory.command.js';

export async function run(ctx: Context, { opts }: CommandInput<InventoryOptions>): Promise<CommandResult> {
  const ports = { store: ctx.store(), engineLayers: () => ctx.engineLayers() };
  if (typeof opts.output !== 'string') {
    const inventory = await takeInventory(ports);
    return { data: inventory, text: formatInventory(inventory) };
  }
  const path = resolve(ctx.cwd, opts.output);
  const inventory = await writeInventory({ ...ports, outputs: await ctx.outputs() }, path);
  ctx.log.info(
    `Wrote the inventory (${inventory.apps.length} app(s), ${inventory.layers.length} layer(s)) to '${path}'.`,
  );
  return { data: { path, apps: inventory.apps.length, layers: inventory.layers.length } };
}
