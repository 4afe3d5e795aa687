import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { oneMemberGunzip } from './gzip-member.js';

/** Feeds `bytes` in pieces of `piece` bytes; the inflated bytes and what check() says. */
async function inflate(bytes: Buffer, piece = 1 << 16): Promise<{ out: Buffer; check: string | undefined }> {
  const gz = oneMemberGunzip(1 << 16);
  const chunks: Buffer[] = [];
  const pieces = [];
  for (let at = 0; at < bytes.length; at += piece) pieces.push(bytes.subarray(at, at + piece));
  await pipeline(
    Readable.from(pieces),
    gz.stream,
    new Writable({
      write(c: Buffer, _e, cb) {
        chunks.push(c);
        cb();
      },
    }),
  );
  const out = Buffer.concat(chunks);
  return { out, check: gz.check(out.length) };
}

test('one member inflates to its content, its header read even a byte at a time', async () => {
  const data = Buffer.concat([randomBytes(100_000), Buffer.alloc(100_000, 7)]);
  assert.deepEqual(await inflate(gzipSync(data)), { out: data, check: undefined });
  const small = await inflate(gzipSync(data), 1);
  assert.ok(small.out.equals(data));
  assert.equal(small.check, undefined);
});

test('the CRC is not what checks the content: the caller hashes every inflated byte', async () => {
  const gz = gzipSync('hello');
  gz.writeUInt32LE((gz.readUInt32LE(gz.length - 8) ^ 0xffffffff) >>> 0, gz.length - 8);
  assert.deepEqual(await inflate(gz), { out: Buffer.from('hello'), check: undefined });
});

test('a second member, a cut trailer and a wrong size are told by check()', async () => {
  const two = Buffer.concat([gzipSync('first '), gzipSync('second')]);
  assert.deepEqual(await inflate(two), {
    out: Buffer.from('first '),
    check: 'it has 26 bytes after its first gzip member',
  });
  const gz = gzipSync('hello');
  assert.equal((await inflate(gz.subarray(0, gz.length - 3))).check, 'its gzip trailer is cut off');
  const sized = Buffer.from(gz);
  sized.writeUInt32LE(6, sized.length - 4);
  assert.equal((await inflate(sized)).check, 'its gzip trailer states another size');
});

test('not gzip, and damaged deflate data, fail the stream', async () => {
  await assert.rejects(inflate(Buffer.from('PK\x03\x04 not gzip')), /it is not gzip/);
  const gz = gzipSync(Buffer.alloc(100_000, 1));
  await assert.rejects(inflate(gz.subarray(0, gz.length - 20)), /unexpected end of file/);
  const bad = Buffer.from(gz);
  bad.fill(0xff, 12, 40);
  await assert.rejects(inflate(bad));
});
