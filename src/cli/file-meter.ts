// Progress through one large file that a command streams (a bundle loaded, pushed or verified): bytes done of
// its size, rate and time left, followed through this process's read offset on the file.
import { statSync } from 'node:fs';
import type { Logger } from './log.js';
import { byteMeter, type ByteMeter } from './progress.js';

export interface MeterOutput {
  log: Logger;
  env: NodeJS.ProcessEnv;
  /** How far this process has read a file (the composition root's adapter). */
  filePosition(path: string): () => number | undefined;
}

/** DAM_PROGRESS_SECONDS: seconds between two progress lines off a terminal (default 5). */
export function plainEveryMs(env: NodeJS.ProcessEnv): number | undefined {
  const seconds = Number(env.DAM_PROGRESS_SECONDS);
  return env.DAM_PROGRESS_SECONDS !== undefined && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

/** Starts a meter on `path`; call stop() when the work ends, also on failure. Silent with --quiet. */
export function fileMeter(out: MeterOutput, label: string, path: string, total = sizeOf(path)): ByteMeter {
  if (total === undefined) return { tick: () => undefined, stop: () => undefined };
  const every = plainEveryMs(out.env);
  return byteMeter(out.log, {
    label,
    total,
    sample: out.filePosition(path),
    ...(every !== undefined ? { plainEveryMs: every } : {}),
  });
}

function sizeOf(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

/** Runs `work` with a meter on `path` shown meanwhile. */
export async function withFileMeter<T>(
  out: MeterOutput,
  label: string,
  path: string,
  work: () => Promise<T>,
): Promise<T> {
  const meter = fileMeter(out, label, path);
  try {
    return await work();
  } finally {
    meter.stop();
  }
}
