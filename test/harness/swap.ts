// Swapping a file under a running `dam`, at a chosen moment: after DAM's Nth close of it (seen through
// inotify; dam is stopped while the file is replaced, so the swap lands before its next read), or while it
// waits at its confirmation prompt (run in a pseudo-terminal through `script`, answered after the swap).
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, rename } from 'node:fs/promises';
import { DAM_BIN, ROOT, type DamResult } from './dam.js';

export interface SwapRun extends DamResult {
  /** Whether the swap happened before dam ended. */
  swapped: boolean;
}

/** Replaces `file` by a copy of `replacement` in one rename, as a hostile process would. */
export async function swapIn(file: string, replacement: string): Promise<void> {
  await copyFile(replacement, `${file}.swap`);
  await rename(`${file}.swap`, file);
}

function damEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, NO_COLOR: '1', DAM_HOME: undefined, ...env };
}

function collect(child: ChildProcess, timeoutMs: number): Promise<DamResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs `dam --home HOME ARGS`; after the `n`th close of `file` by anyone, stops dam, swaps the file, resumes it. */
export async function damSwappingAfterClose(
  home: string,
  args: string[],
  env: Record<string, string>,
  file: string,
  replacement: string,
  n: number,
): Promise<SwapRun> {
  const watch = spawn('inotifywait', ['-m', '-e', 'close_nowrite', '-e', 'close_write', '--format', '%e', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    watch.on('error', reject);
    watch.stderr
      .setEncoding('utf8')
      .on('data', (d: string) => (d.includes('Watches established') ? resolve() : undefined));
  });
  const child = spawn(process.execPath, [DAM_BIN, '--home', home, ...args], {
    cwd: ROOT,
    env: damEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let closes = 0;
  let swapped = false;
  let swapping = Promise.resolve();
  watch.stdout.setEncoding('utf8').on('data', (d: string) => {
    closes += d.split('\n').filter((l) => l.startsWith('CLOSE')).length;
    if (closes < n || swapped || child.exitCode !== null) return;
    swapped = true;
    child.kill('SIGSTOP');
    swapping = swapIn(file, replacement).finally(() => child.kill('SIGCONT'));
  });
  const result = await collect(child, 120_000);
  await swapping;
  watch.kill();
  return { ...result, swapped };
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs dam in a pseudo-terminal; when it asks for confirmation, calls `atPrompt`, then answers `answer`. */
export async function damAtPrompt(
  home: string,
  args: string[],
  env: Record<string, string>,
  atPrompt: () => Promise<void>,
  answer = 'y',
): Promise<SwapRun> {
  const command = [process.execPath, DAM_BIN, '--home', home, ...args].map(quote).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: ROOT,
    env: damEnv(env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let seen = '';
  let swapped = false;
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    seen += d;
    if (swapped || !seen.includes('[y/N]')) return;
    swapped = true;
    void atPrompt().then(() => child.stdin.write(`${answer}\n`));
  });
  const result = await collect(child, 120_000);
  return { ...result, stdout: seen, swapped };
}
