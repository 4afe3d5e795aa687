import type { CommandSpec } from '../cli/spec.js';

export const listSpec: CommandSpec = {
  name: 'list',
  aliases: ['ls'],
  summary: 'List the installed apps.',
  description: 'List the installed apps with version, repository, family and install time. --raw prints DAM 1.x lines `id;imageId12;name;version;repoId;*;family` on stdout.',
  options: [{ flags: '--raw', description: "DAM 1.x's `;`-separated lines" }],
  json: true,
  examples: ['dam list', 'dam list --raw', 'dam list --json'],
  load: () => import('./list.js'),
};
