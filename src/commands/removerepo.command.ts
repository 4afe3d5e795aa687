import { defineCommand, type OptionSpec, type OptionsOf } from '../cli/spec.js';

export const removerepoOptions = [
  { flags: '-f, --force', description: 'remove it even if it is the default' },
] as const satisfies readonly OptionSpec[];
export type RemoverepoOptions = OptionsOf<typeof removerepoOptions, true>;

export const removerepoCommand = defineCommand<RemoverepoOptions>({
  name: 'removerepo',
  aliases: ['rr'],
  args: '<id|name>',
  summary: 'Remove a repository by id or name.',
  description:
    'Remove a repository and its stored credentials. Apps installed from it stay installed and show its repository as ~unknown~. Docker Hub (id 1) cannot be removed; the default needs --force, and Docker Hub becomes the default again.',
  options: removerepoOptions,
  json: true,
  examples: ['dam removerepo corp', 'dam rr 3', 'dam removerepo corp --force'],
  load: () => import('./removerepo.js'),
});
