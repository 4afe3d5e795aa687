// `dam inventory`: what this host has (installed apps, every layer its engine holds), for
// `dam export --all --delta` on the connected side.
import { buildInventory, formatInventory, type Inventory } from '../core/bundle/inventory.js';
import type { OutputFiles } from '../core/ports/host.js';
import type { Store } from '../core/ports/store.js';

export interface InventoryPorts {
  store: Store;
  /** Every local image's diff ids, bottom first. */
  engineLayers: () => Promise<string[][]>;
  outputs: OutputFiles;
}

export async function takeInventory(ports: Pick<InventoryPorts, 'store' | 'engineLayers'>): Promise<Inventory> {
  const state = await ports.store.read();
  const apps = state.apps.map((a) => ({ name: a.name, version: a.version, tag: a.tag, imageId: a.imageId }));
  return buildInventory(apps, await ports.engineLayers());
}

/** Writes the inventory to `path` atomically. */
export async function writeInventory(ports: InventoryPorts, path: string): Promise<Inventory> {
  const inventory = await takeInventory(ports);
  await ports.outputs.writeAtomic(path, formatInventory(inventory), 0o644);
  return inventory;
}
