import { defineCommand, type OptionsOf } from '../cli/spec.js';

export type RecoverOptions = OptionsOf<[], true>;

export const recoverCommand = defineCommand<RecoverOptions>({
  name: 'recover',
  summary: 'Finish or roll back operations that an interrupted dam left unfinished.',
  description:
    'An install, upgrade, remove or import that was killed (SIGKILL, power cut) left a journal. An operation that reached the state is finished; any other is rolled back: scripts undone, tags restored, state as before. Install, upgrade and remove do this by themselves first.',
  json: true,
  examples: ['dam recover', 'dam doctor'],
  load: () => import('./recover.js'),
});
