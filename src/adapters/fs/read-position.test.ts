import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filePosition } from './read-position.js';

test('the sampler follows how far an open descriptor has read a file, and is undefined when none is open', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'damtest-pos-'));
  try {
    const path = join(dir, 'f.bin');
    await writeFile(path, Buffer.alloc(100_000));
    const sample = filePosition(path);
    assert.equal(sample(), undefined);
    const handle = await open(path, 'r');
    await handle.read(Buffer.alloc(30_000), 0, 30_000, null);
    assert.equal(sample(), 30_000);
    await handle.close();
    assert.equal(sample(), undefined);
    assert.equal(filePosition(join(dir, 'missing'))(), undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
