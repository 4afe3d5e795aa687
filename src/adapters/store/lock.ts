// One writer at a time, even when a lock left by a killed process is taken over. Node has no flock, so
// the lock is a folder of generations: `lock/<N>` holds the owner of generation N (pid, the process's start
// time from /proc, so a reused pid is not mistaken for the owner) or `free`. Only the highest generation
// counts. Whoever finds it free, or its owner gone, publishes N+1 with link(2), which fails if N+1 exists:
// of any number of racers exactly one wins, and a stale owner is never removed, only superseded, so no
// "check, then delete" window exists. A loser that published a generation already superseded (it read an
// old listing) sees a higher one when it checks again and withdraws. Old generations are deleted only below
// the winner's, so the highest one always exists. See docs/decisions/0009-state-lock-generations.md.
import { link, lstat, mkdir, open, readFile, readdir, unlink } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { processExists } from '../process/liveness.js';
import { DamError, errnoCode } from '../../core/errors.js';

export interface LockOwner {
  pid: number;
  startTime: string;
  command: string;
  since: string;
}

export interface Lock {
  readonly path: string;
  release(): Promise<void>;
}

type Generation = { owner: LockOwner } | { free: true } | { stale: true };

function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 counts from after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

function isAlive(owner: LockOwner): boolean {
  if (!processExists(owner.pid)) return false;
  const start = processStartTime(owner.pid);
  return start === undefined || owner.startTime === '' || start === owner.startTime;
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(text) as LockOwner;
    return typeof parsed === 'object' && parsed !== null && Number.isSafeInteger(parsed.pid) && parsed.pid > 0
      ? parsed
      : undefined;
  } catch {
    return undefined;
  }
}

const ignoreMissing = (err: unknown) => {
  if (errnoCode(err) !== 'ENOENT') throw err;
};

/** Generation numbers present, highest first; names that are not generations (temporary files) are skipped. */
async function generations(dir: string): Promise<number[]> {
  const names = await readdir(dir);
  return names
    .filter((n) => /^\d{1,15}$/.test(n))
    .map(Number)
    .sort((a, b) => b - a);
}

async function readGeneration(dir: string, n: number): Promise<Generation | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, String(n)), 'utf8');
  } catch (err) {
    ignoreMissing(err);
    return undefined;
  }
  if (text === 'free') return { free: true };
  const owner = parseOwner(text);
  // Content is published whole (link of a written file), so an unreadable generation is left by a crash.
  return owner && isAlive(owner) ? { owner } : { stale: true };
}

/** Publishes generation `n` with `text`, whole, or returns false when it already exists. */
async function publish(dir: string, n: number, text: string): Promise<boolean> {
  const tmp = join(dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  const handle = await open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
  try {
    await link(tmp, join(dir, String(n)));
    return true;
  } catch (err) {
    if (errnoCode(err) === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(tmp).catch(ignoreMissing);
  }
}

/** The lock folder; a lock file of the older single-file form is removed when its owner is gone. */
async function lockDir(path: string): Promise<{ ready: true } | { heldBy: LockOwner }> {
  try {
    await mkdir(path, { mode: 0o700 });
    return { ready: true };
  } catch (err) {
    if (errnoCode(err) !== 'EEXIST') throw err;
  }
  const info = await lstat(path).catch(() => undefined);
  if (!info || info.isDirectory()) return { ready: true };
  const owner = parseOwner(await readFile(path, 'utf8').catch(() => ''));
  if (owner && isAlive(owner)) return { heldBy: owner };
  // unlink cannot remove a folder, so a racer that made the folder meanwhile is safe from this.
  await unlink(path).catch((e: unknown) => {
    if (!['ENOENT', 'EISDIR', 'EPERM'].includes(errnoCode(e) ?? '')) throw e;
  });
  return lockDir(path);
}

/** One attempt: the lock, or who holds it. */
async function tryAcquire(path: string, me: LockOwner): Promise<{ lock: Lock } | { heldBy?: LockOwner }> {
  const dir = await lockDir(path);
  if ('heldBy' in dir) return dir;
  const [top = 0] = await generations(path);
  const current = top === 0 ? { free: true as const } : await readGeneration(path, top);
  if (!current) return {};
  if ('owner' in current) return { heldBy: current.owner };
  const mine = top + 1;
  if (!(await publish(path, mine, JSON.stringify(me)))) return {};
  const [highest = 0] = await generations(path);
  if (highest !== mine) {
    // Published from an old listing: a newer generation exists, so this one never counted.
    await unlink(join(path, String(mine))).catch(ignoreMissing);
    return {};
  }
  await prune(path, mine);
  return { lock: { path, release: () => release(path, mine) } };
}

/** Deletes generations below `keep` and temporary files of processes that are gone. */
async function prune(dir: string, keep: number): Promise<void> {
  for (const name of await readdir(dir)) {
    const tmpOf = /^\.tmp-(\d+)-/.exec(name)?.[1];
    const old = /^\d{1,15}$/.test(name) && Number(name) < keep;
    if (old || (tmpOf !== undefined && !isAlive({ pid: Number(tmpOf), startTime: '', command: '', since: '' })))
      await unlink(join(dir, name)).catch(ignoreMissing);
  }
}

async function release(dir: string, mine: number): Promise<void> {
  // If someone superseded this generation (only possible if it was wrongly judged stale), it is theirs now.
  if (await publish(dir, mine + 1, 'free')) await prune(dir, mine + 1);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function acquireLock(path: string, command: string, waitMs: number): Promise<Lock> {
  const me: LockOwner = {
    pid: process.pid,
    startTime: processStartTime(process.pid) ?? '',
    command,
    since: new Date().toISOString(),
  };
  const deadline = Date.now() + waitMs;
  let delay = 2;
  for (;;) {
    const got = await tryAcquire(path, me);
    if ('lock' in got) return got.lock;
    if (Date.now() >= deadline) {
      const owner = got.heldBy;
      const who = owner ? `process ${owner.pid} (dam ${owner.command}, since ${owner.since})` : 'another process';
      throw new DamError(
        'STATE_LOCKED',
        `The DAM state is locked by ${who} (${path}).`,
        'Wait for it to finish and try again.',
      );
    }
    if (got.heldBy) {
      // Short, jittered polls: a release is noticed within a few ms, and waiters do not wake in step.
      await sleep(delay * (0.5 + Math.random()));
      delay = Math.min(delay * 2, 25);
    }
  }
}
