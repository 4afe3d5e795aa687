import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { gzipHeader, GZIP_HEADER_MAX } from './gzip-header.js';

const header = (flags: number, ...rest: number[]) => Buffer.from([0x1f, 0x8b, 8, flags, 0, 0, 0, 0, 0, 3, ...rest]);

test("a plain member's header is 10 bytes; fewer ask for more", () => {
  const gz = gzipSync('hello');
  assert.deepEqual(gzipHeader(gz), { length: 10 });
  assert.deepEqual(gzipHeader(gz.subarray(0, 9)), { more: true });
  assert.deepEqual(gzipHeader(gz.subarray(0, 1)), { more: true });
});

test('extra field, name, comment and header CRC are skipped, each possibly cut across reads', () => {
  const full = header(0x04 | 0x08 | 0x10 | 0x02, 3, 0, 9, 9, 9, 0x61, 0x62, 0, 0x63, 0, 0xaa, 0xbb, 0x99);
  assert.deepEqual(gzipHeader(full), { length: full.length - 1 });
  for (let cut = 10; cut < full.length - 1; cut++) assert.deepEqual(gzipHeader(full.subarray(0, cut)), { more: true });
});

test('not gzip, another method, reserved flags and an endless name are refused', () => {
  assert.deepEqual(gzipHeader(Buffer.from('PK')), { invalid: 'it is not gzip' });
  assert.deepEqual(gzipHeader(Buffer.from([0x1f, 0x8b, 7])), { invalid: 'its gzip method is not deflate' });
  assert.deepEqual(gzipHeader(header(0x20)), { invalid: 'its gzip header sets reserved flags' });
  const endless = Buffer.concat([header(0x08), Buffer.alloc(GZIP_HEADER_MAX, 0x61)]);
  assert.match((gzipHeader(endless) as { invalid: string }).invalid, /longer than/);
});
