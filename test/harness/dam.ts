// Runs the built CLI (bin/dam) as a user would, in its own state directory.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { checkJsonOutput } from './json-schemas.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const DAM_BIN = join(ROOT, 'bin', 'dam');

export interface DamResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface DamOptions {
  home: string;
  input?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
}

export function dam(args: string[], options: DamOptions): Promise<DamResult> {
  return new Promise((resolvePromise, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', DAM_HOME: undefined, ...options.env };
    const child = spawn(process.execPath, [DAM_BIN, '--home', options.home, ...args], {
      cwd: options.cwd ?? ROOT,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Every --json output of the suite is checked against its schema (docs/schemas/README.md).
      try {
        // A dam killed on purpose (the fault-injection tests) had no chance to print.
        if (signal === null) checkJsonOutput(args, stdout);
      } catch (err) {
        reject(err as Error);
        return;
      }
      resolvePromise({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A unique lower-case name for anything a test creates on a shared engine or registry. */
export function uniqueName(prefix: string): string {
  return `damtest-${prefix}-${randomBytes(4).toString('hex')}`;
}

/** The label every test object carries, so leftovers can be found and removed. */
export const TEST_LABEL = 'dam.test';

export async function tempHome(): Promise<{ home: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'damtest-home-'));
  return { home: join(dir, 'state'), cleanup: () => rm(dir, { recursive: true, force: true }) };
}
