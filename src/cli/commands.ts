// The table of commands. Only these specs load at start-up; each command's code loads when it runs.
import type { CommandSpec } from './spec.js';
import { addrepoSpec } from '../commands/addrepo.spec.js';
import { modifyrepoSpec } from '../commands/modifyrepo.spec.js';
import { removerepoSpec } from '../commands/removerepo.spec.js';
import { listreposSpec } from '../commands/listrepos.spec.js';
import { listSpec } from '../commands/list.spec.js';
import { completionSpec } from '../commands/completion.spec.js';

export const COMMANDS: CommandSpec[] = [
  addrepoSpec,
  modifyrepoSpec,
  removerepoSpec,
  listreposSpec,
  listSpec,
  completionSpec,
];
