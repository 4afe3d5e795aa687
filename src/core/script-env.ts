// The environment an app's install and uninstall scripts see (docs/script-contract.md): the caller's
// environment without DAM's own settings and without registry or engine credentials, plus DAM_APP_*.
import { createHash } from 'node:crypto';

export type ScriptAction = 'install' | 'remove' | 'upgrade';

export interface ScriptApp {
  name: string;
  version: string;
  /** The image reference the app is installed under. */
  tag: string;
  family: string;
  action: ScriptAction;
  /** On upgrade: the version being replaced and the one being installed. */
  oldVersion?: string;
  newVersion?: string;
}

/** Credentials and settings DAM or Docker may hold that a script must not see. */
// DAM's own settings (DAM_HOME, the test hooks) are dropped; other DAM_* variables, such as an example's
// DAM_BIN_DIR, are the user's and reach the script; DAM_APP_* and DAM_ACTION are always set by DAM.
const SECRET =
  /^(DOCKER_AUTH_CONFIG|DOCKER_CONFIG|REGISTRY_AUTH\w*|DAM_HOME|DAM_FAULT_\w*|DAM_HUB_URL|DAM_OLD_VERSION|DAM_NEW_VERSION|\w*_PASSWORD|\w*_PASSWD|\w*_TOKEN|\w*_SECRET)$/i;

/** Variables DAM itself sets for every script: never taken from the caller, never recorded. */
const SET_BY_DAM = /^(DAM_APP_\w+|DAM_ACTION|DAM_OLD_VERSION|DAM_NEW_VERSION|DAM_INSTANCE)$/;

/**
 * The user's settings for app scripts that DAM records at install and gives the uninstall again: every
 * DAM_* variable a script would see that DAM does not set itself (e.g. DAM_BIN_DIR).
 */
export function scriptSettings(base: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined && key.startsWith('DAM_') && !SECRET.test(key) && !SET_BY_DAM.test(key)) out[key] = value;
  }
  return out;
}

/**
 * A name for one installation of an app, unique per state directory and install: `<name>-<8 hex>` from the
 * app's meta copy path. Scripts name what they create after it (a container), so the same app installed
 * under two state directories does not collide. Recorded at install, so a moved state directory keeps it.
 */
export function instanceName(appName: string, metaDir: string): string {
  return `${appName}-${createHash('sha256').update(metaDir).digest('hex').slice(0, 8)}`;
}

/**
 * `settings` are the values recorded when the app was installed (scriptSettings plus DAM_INSTANCE); they win
 * over the caller's environment, so an uninstall sees what its install saw.
 */
export function scriptEnvironment(
  base: Record<string, string | undefined>,
  app: ScriptApp,
  settings: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...base, ...settings })) {
    if (value !== undefined && !SECRET.test(key)) env[key] = value;
  }
  env.PATH ??= '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  env.DAM_APP_NAME = app.name;
  env.DAM_APP_VERSION = app.version;
  env.DAM_APP_TAG = app.tag;
  env.DAM_APP_FAMILY = app.family;
  env.DAM_ACTION = app.action;
  if (app.action === 'upgrade') {
    if (app.oldVersion !== undefined) env.DAM_OLD_VERSION = app.oldVersion;
    if (app.newVersion !== undefined) env.DAM_NEW_VERSION = app.newVersion;
  }
  return env;
}
