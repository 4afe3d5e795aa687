// The original DAM 1.2.1 binary, for interop tests: `DAM1X_BIN`, else ../shared/tools/dam1x/dam beside
// the repository. It runs with its own XDG_CACHE_HOME (its database) and in a folder of the test, since it
// writes `.tmp.meta` into its working folder; it talks to the default Docker socket only.
import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ROOT, type DamResult } from './dam.js';

export const DAM1X_BIN = process.env.DAM1X_BIN || resolve(ROOT, '..', 'shared', 'tools', 'dam1x', 'dam');

/** Why the 1.x binary cannot be used here, or undefined when it can. */
export async function dam1xMissing(): Promise<string | undefined> {
  try {
    await access(DAM1X_BIN, constants.X_OK);
  } catch {
    return `the DAM 1.x binary is not at ${DAM1X_BIN} (set DAM1X_BIN to its path)`;
  }
  if (process.env.DOCKER_HOST && process.env.DOCKER_HOST !== 'unix:///var/run/docker.sock')
    return `DAM 1.x talks to /var/run/docker.sock only, and DOCKER_HOST is ${process.env.DOCKER_HOST}`;
  return undefined;
}

export interface Dam1Options {
  /** Its XDG_CACHE_HOME: the database is `<cache>/dam/Repos` and `Apps`. */
  cache: string;
  cwd: string;
  env?: Record<string, string>;
  input?: string;
}

export function dam1(args: string[], options: Dam1Options): Promise<DamResult> {
  return new Promise((done, reject) => {
    // stdin is /dev/null unless there is input: 1.x may exit before reading it, and a write to its closed
    // pipe would fail the test with EPIPE.
    const child = spawn(DAM1X_BIN, args, {
      cwd: options.cwd,
      env: { ...process.env, XDG_CACHE_HOME: options.cache, ...options.env },
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr });
    });
    if (child.stdin) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
  });
}
