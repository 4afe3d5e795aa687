// The table of commands. Only these specs load at start-up; each command's code loads when it runs.
import type { CommandSpec } from './spec.js';
import { addrepoSpec } from '../commands/addrepo.spec.js';
import { modifyrepoSpec } from '../commands/modifyrepo.spec.js';
import { removerepoSpec } from '../commands/removerepo.spec.js';
import { listreposSpec } from '../commands/listrepos.spec.js';
import { listSpec } from '../commands/list.spec.js';
import { completionSpec } from '../commands/completion.spec.js';
import { doctorSpec } from '../commands/doctor.spec.js';
import { createSpec } from '../commands/create.spec.js';
import { infoSpec } from '../commands/info.spec.js';
import { pushSpec } from '../commands/push.spec.js';
import { installSpec } from '../commands/install.spec.js';
import { removeSpec } from '../commands/remove.spec.js';
import { upgradeSpec } from '../commands/upgrade.spec.js';
import { recoverSpec } from '../commands/recover.spec.js';
import { purgeSpec } from '../commands/purge.spec.js';
import { importSpec } from '../commands/import.spec.js';
import { searchSpec } from '../commands/search.spec.js';
import { saveSpec } from '../commands/save.spec.js';
import { exportSpec } from '../commands/export.spec.js';
import { inventorySpec } from '../commands/inventory.spec.js';
import { keySpec } from '../commands/key.spec.js';
import { trustSpec } from '../commands/trust.spec.js';
import { signSpec } from '../commands/sign.spec.js';
import { historySpec } from '../commands/history.spec.js';
import { verifySpec } from '../commands/verify.spec.js';
import { versionSpec } from '../commands/version.spec.js';
import { completeValuesSpec } from '../commands/complete-values.spec.js';
import { migrateSpec } from '../commands/migrate.spec.js';
import { initSpec } from '../commands/init.spec.js';
import { lintSpec } from '../commands/lint.spec.js';

export const COMMANDS: CommandSpec[] = [
  addrepoSpec,
  modifyrepoSpec,
  removerepoSpec,
  listreposSpec,
  listSpec,
  completionSpec,
  installSpec,
  removeSpec,
  upgradeSpec,
  recoverSpec,
  purgeSpec,
  importSpec,
  doctorSpec,
  createSpec,
  infoSpec,
  pushSpec,
  searchSpec,
  saveSpec,
  exportSpec,
  inventorySpec,
  keySpec,
  trustSpec,
  signSpec,
  historySpec,
  verifySpec,
  versionSpec,
  completeValuesSpec,
  migrateSpec,
  initSpec,
  lintSpec,
];
