// Runs an app's `install` or `uninstall` script on the host under DAM's script contract
// (docs/script-contract.md): cwd = the app's meta copy, a clean environment plus DAM_APP_*, output streamed
// live, stdin closed unless interactive, and a timeout or abort that kills the whole process group.
import { spawn } from 'node:child_process';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { DamError, errnoCode } from '../../core/errors.js';
import { instanceName, scriptEnvironment, type ScriptApp } from '../../core/script-env.js';

export type ScriptName = 'install' | 'uninstall';

export interface RunScriptOptions {
  script: ScriptName;
  /** The app's meta copy: the script is `<metaDir>/<script>` and runs with this as working directory. */
  metaDir: string;
  app: ScriptApp;
  /** The environment to start from; defaults to process.env. Secrets are removed (see scriptEnvironment). */
  baseEnv?: Record<string, string | undefined>;
  /** Values recorded at install (DAM_* settings, DAM_INSTANCE) that win over `baseEnv`. */
  settings?: Record<string, string>;
  /** Connect the terminal's stdin. The script then shares DAM's process group (see the contract). */
  interactive?: boolean;
  /** Kill the script's process group after this long. */
  timeoutMs?: number;
  /** Between SIGTERM and SIGKILL. */
  killGraceMs?: number;
  signal?: AbortSignal;
  /** Each line of output (stdout and stderr merged), as it comes. */
  onLine?: (line: string) => void;
}

export interface ScriptResult {
  durationMs: number;
  /** The last OUTPUT_TAIL bytes of output. */
  output: string;
}

export const OUTPUT_TAIL = 64 * 1024;

/** SCRIPT_FAILED with what a caller may want to show or record. */
export class ScriptFailedError extends DamError {
  constructor(
    message: string,
    hint: string,
    readonly details: {
      script: string;
      exitCode: number | null;
      signal: string | null;
      timedOut: boolean;
      output: string;
    },
  ) {
    super('SCRIPT_FAILED', message, hint);
  }
}

/** Resolves when the script exits with 0; throws ScriptFailedError otherwise, NOT_FOUND when it is missing. */
export async function runScript(options: RunScriptOptions): Promise<ScriptResult> {
  const path = join(options.metaDir, options.script);
  const label = `The ${options.script} script of ${options.app.name}:${options.app.version}`;
  const [command, args] = await commandFor(path, label);
  const env = scriptEnvironment(options.baseEnv ?? process.env, options.app, {
    DAM_INSTANCE: instanceName(options.app.name, options.metaDir),
    ...options.settings,
  });
  const started = Date.now();
  // Detached: the script leads its own process group, so a timeout can kill everything it started. With a
  // terminal attached it must stay in DAM's (foreground) group or reading stdin would stop it (SIGTTIN).
  const detached = !options.interactive;
  const child = spawn(command, args, {
    cwd: options.metaDir,
    env,
    detached,
    stdio: [options.interactive ? 'inherit' : 'ignore', 'pipe', 'pipe'],
  });
  const tail = outputTail(options.onLine);
  child.stdout?.on('data', (c: Buffer) => tail.push(c, 'stdout'));
  child.stderr?.on('data', (c: Buffer) => tail.push(c, 'stderr'));

  let timedOut = false;
  let aborted = false;
  let graceTimer: NodeJS.Timeout | undefined;
  const kill = () => {
    const signalTree = (sig: NodeJS.Signals) => {
      try {
        if (detached && child.pid !== undefined) process.kill(-child.pid, sig);
        else child.kill(sig);
      } catch (err) {
        if (errnoCode(err) !== 'ESRCH') throw err;
      }
    };
    signalTree('SIGTERM');
    graceTimer ??= setTimeout(() => signalTree('SIGKILL'), options.killGraceMs ?? 5000);
  };
  const timer =
    options.timeoutMs !== undefined
      ? setTimeout(() => {
          timedOut = true;
          kill();
        }, options.timeoutMs)
      : undefined;
  const onAbort = () => {
    aborted = true;
    kill();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();

  try {
    const { code, signal } = await waitForExit(child, label);
    // Kill stragglers only when we started killing; a script may leave a daemon running on purpose.
    if (timedOut || aborted) {
      try {
        if (detached && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* group already gone */
      }
    }
    tail.flush();
    if (aborted) throw new DamError('INTERRUPTED', `${label} was interrupted.`);
    if (timedOut)
      throw failure(
        label,
        path,
        `timed out after ${Math.round((options.timeoutMs ?? 0) / 1000)} s and was killed with its process group`,
        { code, signal, timedOut, output: tail.text() },
      );
    if (code !== 0)
      throw failure(label, path, signal ? `was killed by ${signal}` : `exited with code ${code}`, {
        code,
        signal,
        timedOut,
        output: tail.text(),
      });
    return { durationMs: Date.now() - started, output: tail.text() };
  } finally {
    if (timer) clearTimeout(timer);
    if (graceTimer) clearTimeout(graceTimer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

function failure(
  label: string,
  path: string,
  what: string,
  d: { code: number | null; signal: string | null; timedOut: boolean; output: string },
): ScriptFailedError {
  const lines = d.output.trimEnd().split('\n').slice(-20).join('\n');
  const shown = lines.length > 4096 ? lines.slice(-4096) : lines;
  const message = `${label} (${path}) ${what}.${shown ? `\nLast output:\n${shown}` : ' It printed nothing.'}`;
  return new ScriptFailedError(message, 'Fix the script or the condition it reports; run with -x for details.', {
    script: path,
    exitCode: d.code,
    signal: d.signal,
    timedOut: d.timedOut,
    output: d.output,
  });
}

/** Run directly when executable with a shebang (or a binary); otherwise through /bin/sh. */
async function commandFor(path: string, label: string): Promise<[string, string[]]> {
  let mode: number;
  try {
    const s = await stat(path);
    if (!s.isFile())
      throw new DamError(
        'NOT_FOUND',
        `${label} (${path}) is not a file.`,
        'The app image must carry /meta/install and /meta/uninstall as files.',
      );
    mode = s.mode;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT')
      throw new DamError(
        'NOT_FOUND',
        `${label} (${path}) does not exist.`,
        'The app image must carry /meta/install and /meta/uninstall.',
      );
    throw err;
  }
  const handle = await open(path, 'r');
  const head = Buffer.alloc(4);
  try {
    await handle.read(head, 0, 4, 0);
  } finally {
    await handle.close();
  }
  const direct =
    (mode & 0o111) !== 0 &&
    (head.subarray(0, 2).toString() === '#!' || head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46])));
  return direct ? [path, []] : ['/bin/sh', [path]];
}

function waitForExit(
  child: ReturnType<typeof spawn>,
  label: string,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    child.once('error', (err) =>
      reject(
        new DamError(
          'SCRIPT_FAILED',
          `${label} could not be started: ${err.message}.`,
          "Check the script's shebang line and that its interpreter exists on this host.",
          { cause: err },
        ),
      ),
    );
    child.once('exit', (code, signal) => {
      // Output may still be buffered in the pipes; wait for them to close, but not for background children
      // that inherited them and keep them open.
      if (child.stdout?.closed !== false && child.stderr?.closed !== false) return resolve({ code, signal });
      const done = () => resolve({ code, signal });
      const timer = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        done();
      }, 2000);
      child.once('close', () => {
        clearTimeout(timer);
        done();
      });
    });
  });
}

/** Keeps the last OUTPUT_TAIL bytes and hands complete lines (per stream) to `onLine` as they arrive. */
function outputTail(onLine?: (line: string) => void) {
  let kept: Buffer[] = [];
  let keptBytes = 0;
  const streams = new Map<string, { decoder: StringDecoder; partial: string }>();
  return {
    push(chunk: Buffer, from: 'stdout' | 'stderr') {
      kept.push(chunk);
      keptBytes += chunk.length;
      while (keptBytes - kept[0]!.length >= OUTPUT_TAIL) keptBytes -= kept.shift()!.length;
      if (!onLine) return;
      let s = streams.get(from);
      if (!s) streams.set(from, (s = { decoder: new StringDecoder('utf8'), partial: '' }));
      const lines = (s.partial + s.decoder.write(chunk)).split('\n');
      s.partial = lines.pop()!;
      for (const line of lines) onLine(line);
    },
    flush() {
      for (const s of streams.values()) {
        const rest = s.partial + s.decoder.end();
        if (onLine && rest) onLine(rest);
        s.partial = '';
      }
    },
    text() {
      const all = Buffer.concat(kept);
      kept = [all];
      return all.subarray(Math.max(0, all.length - OUTPUT_TAIL)).toString('utf8');
    },
  };
}
