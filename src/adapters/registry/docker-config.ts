// Credentials from the Docker client's config (`$DOCKER_CONFIG/config.json`, else ~/.docker/config.json),
// the way `docker login` leaves them: `credHelpers` per host, else `credsStore`, else base64 `auths`.
// Used when a repo has no stored password; exported for the engine's pull and push, which pass the same
// credentials as X-Registry-Auth.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DamError, errnoCode } from '../../core/errors.js';

export interface RegistryCredentials {
  username: string;
  password: string;
}

/** The key Docker uses for Docker Hub in config.json and with credential helpers. */
export const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/';
const HUB_HOSTS = new Set(['index.docker.io', 'docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

export function dockerConfigPath(env: NodeJS.ProcessEnv): string {
  return join(env.DOCKER_CONFIG || join(homedir(), '.docker'), 'config.json');
}

/** `https://host:port/v1/` and `host:port` name the same registry in config.json. */
function hostOf(key: string): string {
  return key
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
}

function sameRegistry(key: string, host: string): boolean {
  const a = hostOf(key);
  return a === host || (HUB_HOSTS.has(a) && HUB_HOSTS.has(host));
}

async function readConfig(path: string): Promise<DockerConfig | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'EACCES') return undefined;
    throw err;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as DockerConfig) : undefined;
  } catch {
    throw new DamError(
      'IO_ERROR',
      `The Docker client config ${path} is not valid JSON.`,
      'Fix or remove it, or store credentials in DAM with dam modifyrepo ID --username NAME --password-stdin.',
    );
  }
}

function fromAuths(config: DockerConfig, host: string): RegistryCredentials | undefined {
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    if (!sameRegistry(key, host) || typeof entry !== 'object' || entry === null) continue;
    if (typeof entry.auth === 'string' && entry.auth !== '') {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    if (typeof entry.username === 'string' && typeof entry.password === 'string')
      return { username: entry.username, password: entry.password };
  }
  return undefined;
}

/** Runs `docker-credential-<helper> get`; undefined when the helper has nothing for this server. */
export function credentialHelperGet(
  helper: string,
  serverUrl: string,
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 10_000,
): Promise<RegistryCredentials | undefined> {
  if (!/^[A-Za-z0-9_.-]+$/.test(helper)) {
    return Promise.reject(
      new DamError(
        'IO_ERROR',
        `The Docker credential helper name '${helper}' is not valid.`,
        `Fix credHelpers/credsStore in ${dockerConfigPath(env)}.`,
      ),
    );
  }
  const program = `docker-credential-${helper}`;
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], { env, stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.resume();
    child.on('error', (err) => {
      if (errnoCode(err) === 'ENOENT')
        reject(
          new DamError(
            'REGISTRY_AUTH',
            `The Docker credential helper '${program}' named in ${dockerConfigPath(env)} is not installed.`,
            'Install it, or store credentials in DAM with dam modifyrepo ID --username NAME --password-stdin.',
          ),
        );
      else reject(err);
    });
    child.on('close', (code) => {
      // A helper exits non-zero ("credentials not found") when it has nothing for this server.
      if (code !== 0) return resolve(undefined);
      try {
        const parsed = JSON.parse(out) as { Username?: unknown; Secret?: unknown };
        if (typeof parsed.Username === 'string' && typeof parsed.Secret === 'string' && parsed.Secret !== '')
          resolve({ username: parsed.Username, password: parsed.Secret });
        else resolve(undefined);
      } catch {
        reject(
          new DamError(
            'REGISTRY_AUTH',
            `The Docker credential helper '${program}' printed something that is not JSON.`,
            'Check the helper with: echo SERVER | ' + program + ' get',
          ),
        );
      }
    });
    child.stdin.end(serverUrl);
  });
}

/**
 * The credentials `docker login` stored for a registry host (`host[:port]`; any Docker Hub host name
 * means Docker Hub), or undefined. Throws only when the config is unreadable or a helper is broken.
 */
export async function dockerConfigCredentials(
  host: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RegistryCredentials | undefined> {
  const wanted = host.toLowerCase();
  const config = await readConfig(dockerConfigPath(env));
  if (!config) return undefined;
  const isHub = HUB_HOSTS.has(wanted);
  const serverUrl = isHub ? DOCKER_HUB_CONFIG_KEY : wanted;
  const helper =
    Object.entries(config.credHelpers ?? {}).find(([key]) => sameRegistry(key, wanted))?.[1] ?? config.credsStore;
  if (typeof helper === 'string' && helper !== '') {
    const found = await credentialHelperGet(helper, serverUrl, env);
    if (found) return found;
  }
  return fromAuths(config, wanted);
}
