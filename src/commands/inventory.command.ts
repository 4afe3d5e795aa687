import { defineCommand, type OptionSpec, type OptionsOf } from '../cli/spec.js';

export const inventoryOptions = [
  { flags: '-o, --output <file>', description: 'write the inventory to this file (replaced atomically)' },
] as const satisfies readonly OptionSpec[];
export type InventoryOptions = OptionsOf<typeof inventoryOptions, true>;

export const inventoryCommand = defineCommand<InventoryOptions>({
  name: 'inventory',
  summary: 'Print what this host has, for a delta bundle.',
  description:
    "Print (or write with -o FILE) this host's inventory as JSON: the installed apps and every layer its engine holds. On the connected side, `dam export --all --delta FILE` then writes a bundle holding only the layers this host lacks.",
  options: inventoryOptions,
  json: true,
  examples: ['dam inventory -o /media/usb/inventory.json', 'dam inventory > inventory.json'],
  load: () => import('./inventory.js'),
});
