import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replaceAtomically, writeFileAtomic } from './atomic.js';

test('the atomic writer never follows a symlink planted at a temporary name, and leaves nothing behind', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'damtest-atomic-'));
  try {
    const victim = join(dir, 'victim');
    await writeFile(victim, 'precious');
    // The temporary name this writer used to use (the pid is easy to guess).
    await symlink(victim, join(dir, `.out.${process.pid}.tmp`));
    await writeFileAtomic(join(dir, 'out'), 'new');
    assert.equal(await readFile(victim, 'utf8'), 'precious');
    assert.equal(await readFile(join(dir, 'out'), 'utf8'), 'new');
    // A temporary name that exists (a planted link) is refused by O_EXCL, never written through.
    await assert.rejects(
      replaceAtomically(join(dir, 'out'), async (temp) => {
        await symlink(victim, temp);
        await writeFile(temp, 'evil', { flag: 'wx' });
      }),
      /EEXIST/,
    );
    await assert.rejects(
      replaceAtomically(join(dir, 'out'), () => Promise.reject(new Error('failed'))),
      /failed/,
    );
    assert.equal(await readFile(victim, 'utf8'), 'precious');
    assert.equal(await readFile(join(dir, 'out'), 'utf8'), 'new', 'a failed replacement leaves the old file');
    assert.deepEqual((await readdir(dir)).sort(), [`.out.${process.pid}.tmp`, 'out', 'victim']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
