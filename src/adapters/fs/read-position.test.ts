import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReadStream } from 'node:fs';
import { filePosition, trackReads } from './read-position.js';

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

test('a tracked stream counts its own bytes, from where it starts, while it is open', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'damtest-pos-'));
  try {
    const path = join(dir, 'f.bin');
    await writeFile(path, Buffer.alloc(100_000));
    const sample = filePosition(path);
    const stream = trackReads(path, createReadStream(path, { start: 10_000, highWaterMark: 20_000 }), 10_000);
    const first = await new Promise<Buffer>((resolve) =>
      stream.once('data', (c) => {
        stream.pause();
        resolve(c as Buffer);
      }),
    );
    assert.equal(first.length, 20_000);
    assert.equal(sample(), 30_000, 'its start plus what it read, not a descriptor offset');
    stream.destroy();
    await new Promise<void>((resolve) => stream.once('close', () => resolve()));
    assert.equal(sample(), undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
