import { defineCommand, type OptionsOf } from '../cli/spec.js';

/** Hidden: what the completion scripts call for values that live in the state directory. */
export type CompleteValuesOptions = OptionsOf<[]>;

export const completeValuesCommand = defineCommand<CompleteValuesOptions>({
  name: '__complete',
  args: '<kind>',
  summary: 'Print completion values, one a line: apps, repos, keys or trusted.',
  hidden: true,
  examples: ['dam __complete apps'],
  load: () => import('./complete-values.js'),
});
