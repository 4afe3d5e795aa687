import type { CommandSpec } from '../cli/spec.js';

export const listreposCommand: CommandSpec = {
  name: 'listrepos',
  aliases: ['lr'],
  summary: 'List the configured repositories.',
  description: 'List the configured repositories. Passwords are never shown; --raw prints DAM 1.x lines `id;*;name;server;username` on stdout.',
  options: [{ flags: '--raw', description: "DAM 1.x's `;`-separated lines" }],
  json: true,
  examples: ['dam listrepos', 'dam lr --raw', 'dam listrepos --json'],
  load: () => import('./listrepos.js'),
};
