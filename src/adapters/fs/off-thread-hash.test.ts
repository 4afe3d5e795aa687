import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { OffThreadSha256 } from './off-thread-hash.js';

const sha256 = (parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

test('the digest is the SHA-256 of the chunks in order, views into larger buffers included', async () => {
  const big = randomBytes(3 * 1024 * 1024);
  const parts = [big.subarray(10, 70_000), big.subarray(0, 5), big.subarray(1_000_000), Buffer.alloc(0)];
  const h = new OffThreadSha256();
  for (const p of parts) h.update(p);
  assert.equal(await h.digest(), sha256(parts));
  assert.equal(big.length, 3 * 1024 * 1024, 'the caller keeps its buffer');
});

test('streams hashed at once keep apart, and nothing hashes to the empty digest', async () => {
  const a = new OffThreadSha256();
  const b = new OffThreadSha256();
  const empty = new OffThreadSha256();
  const pa = [randomBytes(1000), randomBytes(2000)];
  const pb = [randomBytes(3000)];
  a.update(pa[0]!);
  b.update(pb[0]!);
  a.update(pa[1]!);
  assert.deepEqual(await Promise.all([a.digest(), b.digest(), empty.digest()]), [sha256(pa), sha256(pb), sha256([])]);
});

test('update asks the caller to wait past the in-flight bound, and whenReady lets it go on', async () => {
  const h = new OffThreadSha256();
  const chunk = randomBytes(1024 * 1024);
  const parts: Buffer[] = [];
  let waited = 0;
  for (let i = 0; i < 40; i++) {
    parts.push(chunk);
    if (!h.update(chunk)) {
      waited++;
      await h.whenReady();
    }
  }
  assert.ok(waited > 0, 'forty MiB at once passes the bound');
  assert.equal(await h.digest(), sha256(parts));
});
