import type { CommandSpec } from '../cli/spec.js';
import { lifecycleOptions } from './install.spec.js';
import { trustOptions } from './trust-options.js';

export const importSpec: CommandSpec = {
  name: 'import',
  aliases: ['im'],
  args: '<file>',
  summary: 'Bring the host to a product: an app list, a product file or a bundle.',
  description:
    'Make the installed apps exactly those of FILE: apps not in it are removed, missing ones installed, other versions upgraded. ' +
    'FILE is an app list (name:version lines, DAM 1.x), a JSON product, a bundle (dam export --all, recognised by its content) or a DAM 1.x export archive. ' +
    'The plan is shown and confirmed first; then everything is checked before the first script runs, and the whole import is one transaction: ' +
    'if an app fails, every app this run changed goes back to how it was.',
  options: [
    { flags: '-y, --yes', description: 'apply the plan without asking' },
    { flags: '--dry-run', description: 'print the plan and change nothing' },
    { flags: '--restore', description: 'remove every installed app first, then install the list' },
    { flags: '--offline', description: 'never touch the network' },
    ...lifecycleOptions,
    ...trustOptions,
  ],
  json: true,
  examples: ['dam import product.txt --dry-run', 'dam import product.bundle --yes', 'dam im apps.txt --restore --yes', 'dam import product.bundle --dry-run --json'],
  load: () => import('./import.js'),
};
