import { defineCommand, type OptionSpec, type OptionsOf } from '../cli/spec.js';

export const listOptions = [
  { flags: '--raw', description: "DAM 1.x's `;`-separated lines" },
  { flags: '--product <name>', description: 'only the apps that belong to this product' },
] as const satisfies readonly OptionSpec[];
export type ListOptions = OptionsOf<typeof listOptions, true>;

export const listCommand = defineCommand<ListOptions>({
  name: 'list',
  aliases: ['ls'],
  summary: 'List the installed apps.',
  description:
    'List the installed apps with version, product (the named product whose import installed it, - for apps installed by hand), repository, family and install time. --raw prints DAM 1.x lines `id;imageId12;name;version;repoId;*;family` on stdout.',
  options: listOptions,
  json: true,
  examples: ['dam list', 'dam list --product acme-suite', 'dam list --raw', 'dam list --json'],
  load: () => import('./list.js'),
});
