import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { buffer } from 'node:stream/consumers';
import * as zlib from 'node:zlib';
import {
  compressor,
  decompressedStream,
  inflatesWithNodeZstd,
  sniff,
  usesNodeZstd,
  type Compression,
} from './compression.js';
import { trailer } from './self-contained.js';

const data = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 31) % 253));

test("gzip, zstd (Node's own where it has it, else the program) and none round-trip, also behind an executable", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dam-compression-'));
  try {
    for (const kind of ['gzip', 'zstd', 'none'] as Compression[]) {
      const file = join(dir, `b.${kind}`);
      const c = compressor(kind);
      await pipeline([Readable.from([data]), ...(c ? [c] : []), createWriteStream(file)]);
      assert.equal((await sniff(file)).compression, kind === 'none' ? 'none' : kind);
      assert.ok((await buffer(decompressedStream(file, kind))).equals(data), kind);
      const stored = await readFile(file);
      const run = join(dir, `p.${kind}.run`);
      await writeFile(run, Buffer.concat([Buffer.alloc(5000, 0x7f), stored, trailer(5000, stored.length)]));
      assert.equal((await sniff(run)).compression, kind === 'none' ? 'none' : kind);
      assert.ok((await buffer(decompressedStream(run, kind))).equals(data), `${kind} behind an executable`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test(
  'a corrupt zstd bundle fails with ARCHIVE_INVALID naming the file',
  {
    skip: (zlib as { createZstdCompress?: unknown }).createZstdCompress
      ? false
      : 'this Node has no zstd of its own (the zstd program path is tested end to end)',
  },
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dam-compression-'));
    try {
      const file = join(dir, 'bad.zst');
      const good = (zlib as unknown as { zstdCompressSync: (b: Buffer) => Buffer }).zstdCompressSync(data);
      await writeFile(file, good.subarray(0, good.length - 40));
      await assert.rejects(
        buffer(decompressedStream(file, 'zstd')),
        (err: Error & { code?: string }) => err.code === 'ARCHIVE_INVALID' && err.message.includes(file),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);

test("zstd is Node's own from Node 22.15 (23.8) on, else the zstd program, which DAM_ZSTD also selects", async () => {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const own = major >= 24 || (major === 23 && minor >= 8) || (major === 22 && minor >= 15);
  assert.equal(usesNodeZstd(), own, `Node ${process.version}`);
  // Node 22's zstd ends a cut frame without an error (the test above): there the program inflates.
  assert.equal(inflatesWithNodeZstd(), own && major !== 22, `Node ${process.version} inflates`);
  const dir = await mkdtemp(join(tmpdir(), 'dam-compression-'));
  process.env.DAM_ZSTD = 'zstd';
  try {
    assert.equal(usesNodeZstd(), false);
    const file = join(dir, 'b.zst');
    await pipeline([Readable.from([data]), compressor('zstd')!, createWriteStream(file)]);
    assert.ok((await buffer(decompressedStream(file, 'zstd'))).equals(data), 'through the zstd program');
    const whole = await readFile(file);
    await writeFile(file, whole.subarray(0, whole.length - 40));
    await assert.rejects(
      buffer(decompressedStream(file, 'zstd')),
      (err: Error & { code?: string }) => err.code === 'ARCHIVE_INVALID' && err.message.includes(file),
    );
  } finally {
    delete process.env.DAM_ZSTD;
    await rm(dir, { recursive: true, force: true });
  }
});
