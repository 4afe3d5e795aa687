import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TarBoundError, TarFramer, unpackBound, UNPACK_FLOOR } from './tar-frame.js';
import { END_OF_ARCHIVE, gnuLongName, headerBlock, memberBlocks, paxBlocks } from './tar-blocks.test-helper.js';

function frame(bytes: Buffer, max = Number.MAX_SAFE_INTEGER, chunk = 100): TarFramer {
  const framer = new TarFramer({ maxTotalBytes: max });
  for (let i = 0; i < bytes.length; i += chunk) framer.push(bytes.subarray(i, i + chunk));
  framer.end();
  return framer;
}

const a = memberBlocks('a.json', '{"a":1}');
const b = memberBlocks('b', 'x'.repeat(700));

test('a plain tar frames, whatever the chunking; what it declares is counted', () => {
  for (const chunk of [1, 100, 512, 4096])
    assert.equal(frame(Buffer.concat([a, b, END_OF_ARCHIVE]), undefined, chunk).declared, a.length + b.length);
  frame(
    Buffer.concat([
      paxBlocks({ path: 'long/'.repeat(30) }),
      a,
      gnuLongName('x'.repeat(200)),
      b,
      END_OF_ARCHIVE,
      Buffer.alloc(8192),
    ]),
  );
});

test('what the engine reads differently is refused', () => {
  const cases: [string, Buffer, RegExp][] = [
    [
      'member after the end marker',
      Buffer.concat([a, END_OF_ARCHIVE, b, END_OF_ARCHIVE]),
      /data after the end-of-archive marker/,
    ],
    [
      'member after one zero block',
      Buffer.concat([a, Buffer.alloc(512), b, END_OF_ARCHIVE]),
      /data after the end-of-archive marker/,
    ],
    [
      'PAX global header',
      Buffer.concat([paxBlocks({ path: 'manifest.json' }, 'g'), a, END_OF_ARCHIVE]),
      /PAX global header/,
    ],
    [
      'GNU long name and PAX path',
      Buffer.concat([gnuLongName('x.json'), paxBlocks({ path: 'manifest.json' }), a, END_OF_ARCHIVE]),
      /both a GNU long name and a PAX path/,
    ],
    [
      'two PAX headers',
      Buffer.concat([paxBlocks({ path: 'p' }), paxBlocks({ path: 'q' }), a, END_OF_ARCHIVE]),
      /two headers of the same kind/,
    ],
    [
      'symlink with data',
      Buffer.concat([headerBlock('l', '2', 512, 'x'), Buffer.alloc(512, 1), END_OF_ARCHIVE]),
      /declares data/,
    ],
    ['sparse entry', Buffer.concat([headerBlock('s', 'S', 0), END_OF_ARCHIVE]), /type 'S'/],
    ['no end marker', Buffer.concat([a, b]), /truncated/],
    ['cut inside a member', b.subarray(0, 700), /truncated/],
    ['bad checksum', Buffer.concat([Buffer.alloc(512, 7), END_OF_ARCHIVE]), /bad checksum/],
  ];
  for (const [what, bytes, pattern] of cases) assert.throws(() => frame(bytes), pattern, what);
});

test('a member declaring more than the bound is refused at its header, before its data', () => {
  const framer = new TarFramer({ maxTotalBytes: 10_000 });
  assert.throws(() => framer.push(headerBlock('bomb', '0', 4 * 1024 ** 3)), TarBoundError);
  assert.throws(() => frame(Buffer.concat([b, b, b, b, b, b, b, END_OF_ARCHIVE]), 5000), TarBoundError);
});

test('the bound: plain tars by their size, gzip by a ratio with a floor, never above the free space', () => {
  assert.equal(unpackBound(10, true), UNPACK_FLOOR);
  assert.equal(unpackBound(100 * 1024 ** 2, true), 64 * 100 * 1024 ** 2);
  assert.equal(unpackBound(100 * 1024 ** 2, true, { ratio: 2 }), UNPACK_FLOOR);
  assert.equal(unpackBound(100, true, { freeBytes: 5000 }), 5000);
  assert.equal(unpackBound(100, false, { freeBytes: 5000 }), 5000);
  assert.equal(unpackBound(100, false), Number.MAX_SAFE_INTEGER);
});
