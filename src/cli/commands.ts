// The table of commands. Only these specs load at start-up; each command's code loads when it runs.
import type { CommandSpec } from './spec.js';
import { addrepoCommand } from '../commands/addrepo.command.js';
import { modifyrepoCommand } from '../commands/modifyrepo.command.js';
import { removerepoCommand } from '../commands/removerepo.command.js';
import { listreposCommand } from '../commands/listrepos.command.js';
import { listCommand } from '../commands/list.command.js';
import { completionCommand } from '../commands/completion.command.js';
import { doctorCommand } from '../commands/doctor.command.js';
import { createCommand } from '../commands/create.command.js';
import { infoCommand } from '../commands/info.command.js';
import { pushCommand } from '../commands/push.command.js';
import { installCommand } from '../commands/install.command.js';
import { removeCommand } from '../commands/remove.command.js';
import { upgradeCommand } from '../commands/upgrade.command.js';
import { recoverCommand } from '../commands/recover.command.js';
import { purgeCommand } from '../commands/purge.command.js';
import { importCommand } from '../commands/import.command.js';
import { searchCommand } from '../commands/search.command.js';
import { saveCommand } from '../commands/save.command.js';
import { exportCommand } from '../commands/export.command.js';
import { inventoryCommand } from '../commands/inventory.command.js';
import { keyCommand } from '../commands/key.command.js';
import { trustCommand } from '../commands/trust.command.js';
import { signCommand } from '../commands/sign.command.js';
import { historyCommand } from '../commands/history.command.js';
import { verifyCommand } from '../commands/verify.command.js';
import { versionCommand } from '../commands/version.command.js';
import { completeValuesCommand } from '../commands/complete-values.command.js';
import { migrateCommand } from '../commands/migrate.command.js';
import { initCommand } from '../commands/init.command.js';
import { lintCommand } from '../commands/lint.command.js';

export const COMMANDS: CommandSpec[] = [
  addrepoCommand,
  modifyrepoCommand,
  removerepoCommand,
  listreposCommand,
  listCommand,
  completionCommand,
  installCommand,
  removeCommand,
  upgradeCommand,
  recoverCommand,
  purgeCommand,
  importCommand,
  doctorCommand,
  createCommand,
  infoCommand,
  pushCommand,
  searchCommand,
  saveCommand,
  exportCommand,
  inventoryCommand,
  keyCommand,
  trustCommand,
  signCommand,
  historyCommand,
  verifyCommand,
  versionCommand,
  completeValuesCommand,
  migrateCommand,
  initCommand,
  lintCommand,
];
