import type { CommandSpec } from '../cli/spec.js';

export const historyCommand: CommandSpec = {
  name: 'history',
  summary: 'Show every operation run on this state directory, like apt\'s history.log.',
  description:
    'Show the operations that changed this host or state directory (install, upgrade, remove, import, purge, recover, create, repository, key and trust changes), oldest first: ' +
    'when, who, the command line, the result, the apps and versions changed and the overrides used (--force, --insecure-allow-unsigned, --allow-downgrade...). ' +
    'With --json, also the plan of each. Kept in history.jsonl in the state directory, rotated to history.jsonl.1 past 1 MiB (DAM_HISTORY_MAX_BYTES).',
  options: [{ flags: '-n, --last <count>', description: 'only the last COUNT operations' }],
  json: true,
  examples: ['dam history', 'dam history --last 10', 'dam history --json'],
  load: () => import('./history.js'),
};
