import type { CommandSpec } from '../cli/spec.js';

/** Hidden: what the completion scripts call for values that live in the state directory. */
export const completeValuesCommand: CommandSpec = {
  name: '__complete',
  args: '<kind>',
  summary: 'Print completion values, one a line: apps, repos, keys or trusted.',
  hidden: true,
  examples: ['dam __complete apps'],
  load: () => import('./complete-values.js'),
};
