import { defineCommand, type OptionSpec, type OptionsOf } from '../cli/spec.js';

export const listreposOptions = [
  { flags: '--raw', description: "DAM 1.x's `;`-separated lines" },
] as const satisfies readonly OptionSpec[];
export type ListreposOptions = OptionsOf<typeof listreposOptions, true>;

export const listreposCommand = defineCommand<ListreposOptions>({
  name: 'listrepos',
  aliases: ['lr'],
  summary: 'List the configured repositories.',
  description:
    'List the configured repositories. Passwords are never shown; --raw prints DAM 1.x lines `id;*;name;server;username` on stdout.',
  options: listreposOptions,
  json: true,
  examples: ['dam listrepos', 'dam lr --raw', 'dam listrepos --json'],
  load: () => import('./listrepos.js'),
});
