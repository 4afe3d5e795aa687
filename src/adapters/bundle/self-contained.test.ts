import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRAILER_BYTES, embeddedBundle, parseTrailer, trailer } from './self-contained.js';

test('a trailer round-trips and is honoured only where the bundle ends at the trailer', () => {
  const t = trailer(1000, 500);
  assert.equal(t.length, TRAILER_BYTES);
  assert.deepEqual(parseTrailer(t, 1000 + 500 + TRAILER_BYTES), { start: 1000, end: 1500 });
  assert.equal(parseTrailer(t, 1000 + 500 + TRAILER_BYTES + 1), undefined, 'bytes appended after it');
  assert.equal(parseTrailer(t, 1000 + 500), undefined, 'a file shorter than it says');
  const other = Buffer.from(t);
  other[7] = 2;
  assert.equal(parseTrailer(other, 1532), undefined, 'another trailer format');
  assert.equal(parseTrailer(trailer(0, 500), 532), undefined, 'no executable before the bundle');
});

test('embeddedBundle finds the region in a file, and nothing in other files, folders or missing paths', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dam-selfc-'));
  try {
    const exe = Buffer.alloc(4096, 1);
    const bundle = Buffer.alloc(2048, 2);
    writeFileSync(join(dir, 'p.run'), Buffer.concat([exe, bundle, trailer(exe.length, bundle.length)]));
    assert.deepEqual(embeddedBundle(join(dir, 'p.run')), { start: 4096, end: 6144 });
    writeFileSync(join(dir, 'plain'), Buffer.concat([exe, bundle]));
    assert.equal(embeddedBundle(join(dir, 'plain')), undefined);
    assert.equal(embeddedBundle(dir), undefined);
    assert.equal(embeddedBundle(join(dir, 'missing')), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
