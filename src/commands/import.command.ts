import { defineCommand, type OptionSpec, type OptionsOf } from '../cli/spec.js';
import { lifecycleOptions, trustOptions } from './install.command.js';

export const importOptions = [
  { flags: '-y, --yes', description: 'apply the plan without asking' },
  { flags: '--dry-run', description: 'print the plan and change nothing' },
  {
    flags: '--exact',
    description: 'make the host exactly the product: also remove apps of other products and apps installed by hand',
  },
  { flags: '--restore', description: 'remove every installed app first, then install the list' },
  { flags: '--offline', description: 'never touch the network' },
  ...lifecycleOptions,
  ...trustOptions,
] as const satisfies readonly OptionSpec[];
export type ImportOptions = OptionsOf<typeof importOptions, true>;

export const importCommand = defineCommand<ImportOptions>({
  name: 'import',
  aliases: ['im'],
  args: '<file>',
  summary: 'Bring the host to a product: an app list, a product file or a bundle.',
  description:
    'Bring the host to the product in FILE: missing apps are installed, other versions upgraded, apps dropped from it removed. ' +
    'A NAMED product (a JSON product with a name, or a bundle whose index names its product) owns its apps: only the apps it installed change, ' +
    "other products' apps and apps installed by hand stay, and an app or family another product holds is refused before any change. " +
    'An unnamed product (a DAM 1.x app list) makes the host exactly FILE, as DAM 1.x did; --exact does so for any product. ' +
    'FILE is an app list (name:version lines, DAM 1.x), a JSON product, a bundle (dam export --all, recognised by its content) or a DAM 1.x export archive. ' +
    'The plan is shown and confirmed first; then everything is checked before the first script runs, and the whole import is one transaction: ' +
    'if an app fails, every app this run changed goes back to how it was.',
  options: importOptions,
  json: true,
  examples: [
    'dam import product.txt --dry-run',
    'dam import product.bundle --yes',
    'dam import product.bundle --exact --yes',
    'dam im apps.txt --restore --yes',
    'dam import product.bundle --dry-run --json',
  ],
  load: () => import('./import.js'),
});
