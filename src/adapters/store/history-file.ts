// `<state>/history.jsonl`: appended, never rewritten; when it passes a size limit it is renamed to
// `history.jsonl.1` (replacing the older rotated file) and a new one starts. Appends and rotation happen under
// `history.lock`, so two operations ending together neither interleave lines nor lose a rotated file.
import { appendFile, readFile, rename, stat } from 'node:fs/promises';
import { errnoCode } from '../../core/errors.js';
import { parseHistoryLine, type HistoryEntry } from '../../core/history.js';
import { acquireLock } from './lock.js';

/** 1 MiB: some thousands of operations before a rotation. */
export const HISTORY_MAX_BYTES = 1024 * 1024;

/** Where the history lives; given by the state directory (state-dir.ts), which owns the names. */
export interface HistoryPaths {
  current: string;
  rotated: string;
  lock: string;
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return 0;
    throw err;
  }
}

export async function appendHistory(
  paths: HistoryPaths,
  entry: HistoryEntry,
  maxBytes = HISTORY_MAX_BYTES,
): Promise<void> {
  const lock = await acquireLock(paths.lock, 'history', 5000);
  try {
    if ((await sizeOf(paths.current)) >= maxBytes) await rename(paths.current, paths.rotated);
    await appendFile(paths.current, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  } finally {
    await lock.release();
  }
}

async function readLines(path: string): Promise<HistoryEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
  return text.split('\n').flatMap((line) => {
    const entry = line.trim() ? parseHistoryLine(line) : undefined;
    return entry ? [entry] : [];
  });
}

/** Every entry kept, oldest first: the rotated file, then the current one. */
export async function readHistory(paths: HistoryPaths): Promise<HistoryEntry[]> {
  return [...(await readLines(paths.rotated)), ...(await readLines(paths.current))];
}
