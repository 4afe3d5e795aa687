// The state lock with real processes: 20 `dam addrepo` at once, starting from no lock, from a stale lock
// file of the older single-file form, and from a stale generation, never lose an update. Three rounds of
// 20 processes keep this under a minute on a loaded 2-core machine; the lock's unit test
// (src/adapters/store/lock.test.ts) runs 20 writers through 20 rounds in one process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dam, tempHome } from './harness/dam.js';

const WRITERS = 20;

function deadPid(): number {
  return Number(spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim());
}

async function plantStale(home: string, form: 'none' | 'file' | 'generation'): Promise<void> {
  const owner = JSON.stringify({
    pid: deadPid(),
    startTime: '1',
    command: 'install',
    since: '2026-01-01T00:00:00.000Z',
  });
  const lock = join(home, 'lock');
  if (form === 'file') {
    await rm(lock, { recursive: true, force: true });
    await writeFile(lock, owner);
  } else if (form === 'generation') {
    await mkdir(lock, { recursive: true });
    const top = Math.max(0, ...(await readdir(lock)).filter((n) => /^\d+$/.test(n)).map(Number));
    await writeFile(join(lock, String(top + 1)), owner);
  }
}

test(`${WRITERS} parallel addrepo, with and without a stale lock: no update lost`, async () => {
  const { home, cleanup } = await tempHome();
  try {
    assert.equal((await dam(['lr'], { home })).code, 0);
    let expected = 1;
    for (const form of ['none', 'file', 'generation'] as const) {
      await plantStale(home, form);
      const results = await Promise.all(
        Array.from({ length: WRITERS }, (_, i) =>
          dam(['addrepo', '--name', `${form}${i}`, '--server', `${form}${i}:5000`], { home }),
        ),
      );
      // On a very loaded machine a writer may give up after its 5 s wait: that is reported (STATE_LOCKED),
      // not lost. Every writer that said it succeeded must be in the state.
      const landed = results.flatMap((r, i) => (r.code === 0 ? [`${form}${i}`] : []));
      for (const r of results)
        if (r.code !== 0) assert.match(r.stderr, /STATE_LOCKED|is locked by/, `${form}: ${r.stderr}`);
      assert.ok(landed.length >= WRITERS / 2, `${form}: most writers got the lock (${landed.length})`);
      expected += landed.length;
      const list = JSON.parse((await dam(['lr', '--json'], { home })).stdout) as Array<{ id: number; name: string }>;
      const names = new Set(list.map((r) => r.name));
      assert.deepEqual(
        landed.filter((n) => !names.has(n)),
        [],
        `after the round starting from ${form === 'none' ? 'no lock' : `a stale ${form}`}, no update is lost`,
      );
      assert.equal(list.length, expected, 'nothing else appeared');
      assert.equal(new Set(list.map((r) => r.id)).size, expected, 'ids are unique');
    }
  } finally {
    await cleanup();
  }
});
