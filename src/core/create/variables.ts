// The reserved variables of `dam create`, resolved in DAM 1.x's order (dam-1x-spec §5.3), with three
// changes: the name falls back to the project folder's name (1.x documented it, then used `unknown`),
// DAM_APP_MULTIVERSION may come from any source (1.x let only the flag set it), and name, version and
// family are validated before anything is built.
import { DamError, isDamError } from '../errors.js';
import { printable, validateAppName, validateFamily, validateVersion } from '../validate.js';
import { type Vars, mergeVars } from './env-files.js';
import { addServer, formatServers, parseServers, validateServers } from './servers.js';

export const DEFAULT_VERSION = 'SNAPSHOT';

export interface CreateFlags {
  name?: string;
  version?: string;
  family?: string;
  multiversion?: boolean;
}

export interface VariableSources {
  flags: CreateFlags;
  environmentFile: Vars;
  dockerfileEnv: Vars;
  /** The process environment's DAM_* variables. */
  processEnv: Vars;
  projectDirName: string;
  /** The default repo's server, or `''` when the default is Docker Hub. */
  defaultServer: string;
}

export interface AppVariables {
  name: string;
  version: string;
  family: string;
  multiversion: boolean;
  tag: string;
  servers: string;
  /** Every variable a template may use, the reserved ones set to their resolved values. */
  vars: Vars;
}

function flagVars(flags: CreateFlags): Vars {
  const vars: Vars = {};
  // 1.x: an empty --name/--version/--family does not override.
  if (flags.name) vars.DAM_APP_NAME = flags.name;
  if (flags.version) vars.DAM_APP_VERSION = flags.version;
  if (flags.family) vars.DAM_APP_FAMILY = flags.family;
  if (flags.multiversion !== undefined) vars.DAM_APP_MULTIVERSION = String(flags.multiversion);
  return vars;
}

export function resolveVariables(src: VariableSources): AppVariables {
  const layers: [string, Vars][] = [
    ['a flag', flagVars(src.flags)],
    ['ENVIRONMENT', src.environmentFile],
    ['a Dockerfile ENV line', src.dockerfileEnv],
    ['the environment', src.processEnv],
  ];
  const merged = mergeVars(...layers.map(([, v]) => v));
  const origin = (key: string) => layers.find(([, v]) => Object.hasOwn(v, key))?.[0] ?? 'a default';
  const value = (key: string) => merged[key] ?? '';

  const name = value('DAM_APP_NAME') || src.projectDirName;
  checked(validateAppName, name, value('DAM_APP_NAME') ? origin('DAM_APP_NAME') : "the project folder's name");
  const version = value('DAM_APP_VERSION') || DEFAULT_VERSION;
  checked(validateVersion, version, origin('DAM_APP_VERSION'));
  const family = value('DAM_APP_FAMILY') || name;
  checked(validateFamily, family, value('DAM_APP_FAMILY') ? origin('DAM_APP_FAMILY') : 'the app name');
  const multiversion = parseBoolean(value('DAM_APP_MULTIVERSION'), origin('DAM_APP_MULTIVERSION'));
  const tag = `${src.defaultServer ? `${src.defaultServer}/` : ''}${name}:${version}`;
  const supplied = validateServers(parseServers(value('DAM_APP_SERVERS')), origin('DAM_APP_SERVERS'));
  const servers = formatServers(addServer(supplied, src.defaultServer));

  const vars: Vars = {
    ...merged,
    DAM_APP_NAME: name,
    DAM_APP_VERSION: version,
    DAM_APP_FAMILY: family,
    DAM_APP_MULTIVERSION: String(multiversion),
    DAM_APP_TAG: tag,
    DAM_APP_SERVERS: servers,
  };
  return { name, version, family, multiversion, tag, servers, vars };
}

function checked(validate: (v: string) => string, value: string, source: string): void {
  try {
    validate(value);
  } catch (err) {
    if (!isDamError(err, 'INVALID_NAME')) throw err;
    throw new DamError('INVALID_NAME', `${err.message.replace(/\.$/, '')} (from ${source}).`, err.hint, { cause: err });
  }
}

function parseBoolean(text: string, source: string): boolean {
  const lower = text.trim().toLowerCase();
  if (lower === '' || lower === 'false') return false;
  if (lower === 'true') return true;
  throw new DamError(
    'INVALID_NAME',
    `DAM_APP_MULTIVERSION is '${printable(text)}' (from ${source}); it must be true or false.`,
    'Write DAM_APP_MULTIVERSION=true or false, or use --multiversion.',
  );
}
