// One writer at a time. The lock is a file created with O_EXCL holding the owner's pid and the start time
// of that process (from /proc), so a lock left by a killed process is recognised and taken over at once,
// even when the pid has been reused.
import { open, readFile, unlink } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
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
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if (errnoCode(err) === 'ESRCH') return false;
  }
  const start = processStartTime(owner.pid);
  return start === undefined || owner.startTime === '' || start === owner.startTime;
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as LockOwner).pid === 'number') return parsed as LockOwner;
    return undefined;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    if (err instanceof SyntaxError) return { pid: -1, startTime: '', command: '(unreadable lock file)', since: '' };
    throw err;
  }
}

async function tryCreate(path: string, owner: LockOwner): Promise<boolean> {
  try {
    const handle = await open(path, 'wx', 0o600);
    try {
      await handle.writeFile(JSON.stringify(owner));
      await handle.sync();
    } finally {
      await handle.close();
    }
    return true;
  } catch (err) {
    if (errnoCode(err) === 'EEXIST') return false;
    throw err;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function acquireLock(path: string, command: string, waitMs: number): Promise<Lock> {
  const me: LockOwner = { pid: process.pid, startTime: processStartTime(process.pid) ?? '', command, since: new Date().toISOString() };
  const deadline = Date.now() + waitMs;
  let delay = 10;
  for (;;) {
    if (await tryCreate(path, me)) {
      return { path, release: () => unlink(path).catch((err: unknown) => { if (errnoCode(err) !== 'ENOENT') throw err; }) };
    }
    const owner = await readOwner(path);
    if (owner && owner.pid !== -1 && !isAlive(owner)) {
      // Check again just before removing, so two waiters do not both remove a lock a third one just took.
      const again = await readOwner(path);
      if (again && again.pid === owner.pid && again.since === owner.since) await unlink(path).catch(() => undefined);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = owner ? `process ${owner.pid} (dam ${owner.command}, since ${owner.since})` : 'another process';
      throw new DamError('STATE_LOCKED', `The DAM state is locked by ${who}.`, owner?.pid === -1 ? `The lock file ${path} is unreadable; if no dam is running, delete it.` : 'Wait for it to finish and try again.');
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 200);
  }
}
