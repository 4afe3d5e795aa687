import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { markTakenOver, readLegacyFiles } from './legacy-files.js';

test('marking moves Apps aside, never over an earlier backup, and reads back as taken over', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dam-legacy-'));
  try {
    assert.deepEqual(await readLegacyFiles(join(dir, 'none')), { dir: join(dir, 'none') });
    await writeFile(join(dir, 'Apps'), '0;0123456789ab;web;1.0;1;;web\n');
    await writeFile(join(dir, 'Repos'), '1;*;official;https://registry-1.docker.io/;;\n');
    const first = await markTakenOver(dir, new Date('2026-01-01T00:00:00Z'));
    assert.equal(first.backup, 'Apps.taken-over-by-dam2');
    assert.equal(await readFile(join(dir, first.backup), 'utf8'), '0;0123456789ab;web;1.0;1;;web\n');
    const files = await readLegacyFiles(dir);
    assert.deepEqual([files.apps, files.takenOver], [undefined, first]);
    // Undone by copying back, then taken over again: the first backup stays.
    await copyFile(join(dir, first.backup), join(dir, 'Apps'));
    const second = await markTakenOver(dir, new Date('2026-01-02T00:00:00Z'));
    assert.equal(second.backup, 'Apps.taken-over-by-dam2.2');
    assert.deepEqual((await readdir(dir)).sort(), [
      'Apps',
      'Apps.taken-over-by-dam2',
      'Apps.taken-over-by-dam2.2',
      'Repos',
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
