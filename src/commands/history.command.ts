import { defineCommand, type OptionSpec, type OptionsOf } from '../cli/spec.js';

export const historyOptions = [
  { flags: '-n, --last <count>', description: 'only the last COUNT operations' },
] as const satisfies readonly OptionSpec[];
export type HistoryOptions = OptionsOf<typeof historyOptions, true>;

export const historyCommand = defineCommand<HistoryOptions>({
  name: 'history',
  summary: "Show every operation run on this state directory, like apt's history.log.",
  description:
    'Show the operations that changed this host or state directory (install, upgrade, remove, import, purge, recover, create, repository, key and trust changes), oldest first: ' +
    'when, who, the command line, the result, the apps and versions changed and the overrides used (--force, --insecure-allow-unsigned, --allow-downgrade...). ' +
    'With --json, also the plan of each. Kept in history.jsonl in the state directory, rotated to history.jsonl.1 past 1 MiB (DAM_HISTORY_MAX_BYTES).',
  options: historyOptions,
  json: true,
  examples: ['dam history', 'dam history --last 10', 'dam history --json'],
  load: () => import('./history.js'),
});
