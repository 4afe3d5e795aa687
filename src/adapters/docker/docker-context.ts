// The engine address the docker CLI would use: DOCKER_HOST first, then the context named by DOCKER_CONTEXT,
// then `currentContext` in config.json, else the default socket. A context lives in the CLI's store,
// `$DOCKER_CONFIG/contexts/meta/<sha256 of its name>/meta.json` (DOCKER_CONFIG defaults to ~/.docker).
// Read synchronously: it is two small files, and `dam version` shows the result without an engine call.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DamError, errnoCode } from '../../core/errors.js';
import { printable } from '../../core/validate.js';
import { parseDockerHost, type EngineAddress } from './address.js';

export const DEFAULT_CONTEXT = 'default';

export interface ResolvedEngine {
  address: EngineAddress;
  /** Where the address came from: `DOCKER_HOST`, `context 'NAME'`, or `default`. */
  source: string;
}

function configDir(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DamError('USAGE', `${what} (${path}) is not valid JSON.`, 'Fix or remove the file, or set DOCKER_HOST.');
  }
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** The context the docker CLI would pick: DOCKER_HOST means `default`, then DOCKER_CONTEXT, then config.json. */
export function currentContextName(env: NodeJS.ProcessEnv): string {
  if (env.DOCKER_HOST) return DEFAULT_CONTEXT;
  if (env.DOCKER_CONTEXT) return env.DOCKER_CONTEXT;
  const current = field(
    readJson(join(configDir(env), 'config.json'), 'The Docker client configuration'),
    'currentContext',
  );
  return typeof current === 'string' && current !== '' ? current : DEFAULT_CONTEXT;
}

/** node:crypto is loaded only when a context is named: `dam --version` without one should not pay for it. */
function sha256(text: string): string {
  const { createHash } = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update(text).digest('hex');
}

function contextHost(env: NodeJS.ProcessEnv, name: string): string {
  const hash = sha256(name);
  const where = env.DOCKER_CONTEXT ? 'DOCKER_CONTEXT' : 'currentContext in config.json';
  const meta = readJson(
    join(configDir(env), 'contexts', 'meta', hash, 'meta.json'),
    `The Docker context '${printable(name)}'`,
  );
  if (meta === undefined) {
    throw new DamError(
      'USAGE',
      `The Docker context '${printable(name)}' (from ${where}) does not exist.`,
      "List the contexts with 'docker context ls', then set DOCKER_CONTEXT to one of them, or 'docker context use default'.",
    );
  }
  if (existsSync(join(configDir(env), 'contexts', 'tls', hash, 'docker'))) {
    throw new DamError(
      'USAGE',
      `The Docker context '${printable(name)}' uses TLS, which DAM does not speak to the engine.`,
      "Use a context on the engine's unix socket (or an SSH tunnel to it), or set DOCKER_HOST.",
    );
  }
  const host = field(field(field(meta, 'Endpoints'), 'docker'), 'Host');
  if (typeof host !== 'string' || host === '') {
    throw new DamError(
      'USAGE',
      `The Docker context '${printable(name)}' has no docker endpoint host.`,
      "Check it with 'docker context inspect', or set DOCKER_HOST.",
    );
  }
  return host;
}

/** The engine's address as the docker CLI resolves it. Throws USAGE for a context or address DAM cannot use. */
export function resolveEngine(env: NodeJS.ProcessEnv): ResolvedEngine {
  if (env.DOCKER_HOST) return { address: parseDockerHost(env.DOCKER_HOST), source: 'DOCKER_HOST' };
  const name = currentContextName(env);
  if (name === DEFAULT_CONTEXT) return { address: parseDockerHost(undefined), source: DEFAULT_CONTEXT };
  const host = contextHost(env, name);
  try {
    return { address: parseDockerHost(host), source: `context '${printable(name)}'` };
  } catch (err) {
    if (!(err instanceof DamError)) throw err;
    throw new DamError(
      'USAGE',
      `The Docker context '${printable(name)}' points at '${printable(host)}', which DAM cannot use.`,
      'DAM speaks to unix:// and tcp:// engines without TLS; choose another context or set DOCKER_HOST.',
      { cause: err },
    );
  }
}
