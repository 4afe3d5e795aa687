import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDamError } from '../../core/errors.js';
import { acquireLock } from './lock.js';

/** The pid of a process that has exited (and so owns nothing). */
function deadPid(): number {
  const child = spawnSync('sh', ['-c', 'echo $$']);
  return Number(child.stdout.toString().trim());
}

const dead = deadPid();
const ROUNDS = 20;
const staleOwner = () => JSON.stringify({ pid: dead, startTime: '1', command: 'killed', since: 'then' });

/**
 * 20 writers at once, 20 rounds (400 takeovers in a few seconds; test/lock-concurrency.test.ts runs real dam
 * processes), two thirds of them starting from a stale lock (of the older single-file form or a
 * generation whose owner is gone): never two holders at once, and no increment lost.
 */
test('20 concurrent writers, with and without a stale lock: one holder at a time, no update lost', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'damtest-lock-'));
  const path = join(dir, 'lock');
  const counter = join(dir, 'counter');
  await writeFile(counter, '0');
  let holders = 0;
  let most = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      if (round % 3 === 1) {
        await rm(path, { recursive: true, force: true });
        await writeFile(path, staleOwner());
      } else if (round % 3 === 2) {
        await mkdir(path, { recursive: true });
        const top = Math.max(0, ...(await readdir(path)).filter((n) => /^\d+$/.test(n)).map(Number));
        await writeFile(join(path, String(top + 1)), staleOwner());
      }
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          const lock = await acquireLock(path, 'test', 20_000);
          holders++;
          most = Math.max(most, holders);
          const n = Number(await readFile(counter, 'utf8'));
          await new Promise((r) => setImmediate(r));
          await writeFile(counter, String(n + 1));
          holders--;
          await lock.release();
        }),
      );
    }
    assert.equal(most, 1, 'never two holders at once');
    assert.equal(Number(await readFile(counter, 'utf8')), ROUNDS * 20, 'no update lost');
    assert.ok((await readdir(path)).length <= 2, 'old generations are pruned');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a live holder keeps the lock: the waiter gives up naming it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'damtest-lock-'));
  try {
    const lock = await acquireLock(join(dir, 'lock'), 'first', 1000);
    await assert.rejects(
      acquireLock(join(dir, 'lock'), 'second', 200),
      (e) => isDamError(e, 'STATE_LOCKED') && e.message.includes(`process ${process.pid} (dam first`),
    );
    await lock.release();
    await (await acquireLock(join(dir, 'lock'), 'third', 200)).release();
    // A damaged generation (a crash while the system went down) is stale, not a lock forever.
    await writeFile(join(dir, 'lock', '999'), '{"pid":');
    await (await acquireLock(join(dir, 'lock'), 'fourth', 200)).release();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
