// The release bundle loads Node's heavier modules at their first use (scripts/lazy-builtins.mjs), so the
// executable's start-up snapshot does not carry them. Built here the way the release builds, on a small entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { lazyBuiltins, lazyRequires } from '../scripts/lazy-builtins.mjs';

const ENTRY = `'use strict';
import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';
import { join } from 'node:path';
const loaded = (m: string) => (process as unknown as { moduleLoadList: string[] }).moduleLoadList.includes('NativeModule ' + m);
const before = { crypto: loaded('crypto'), zlib: loaded('zlib'), path: join('a', 'b') };
const digest = createHash('sha256').update('dam').digest('hex');
const crc = typeof zlib.crc32 === 'function' ? zlib.crc32('dam') : zlib.gzipSync('dam').length;
console.log(JSON.stringify({ before, after: { crypto: loaded('crypto'), zlib: loaded('zlib') }, digest, crc }));
`;

test('the release bundle loads crypto and zlib at their first use, and they work', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dam-lazy-'));
  try {
    await writeFile(join(dir, 'entry.ts'), ENTRY);
    const out = join(dir, 'out.cjs');
    await build({
      entryPoints: [join(dir, 'entry.ts')],
      outfile: out,
      bundle: true,
      format: 'cjs',
      platform: 'node',
      plugins: [lazyBuiltins],
      logLevel: 'silent',
    });
    const code = lazyRequires(await readFile(out, 'utf8'));
    assert.doesNotMatch(code, /require\("node:(crypto|zlib)"\)/);
    assert.match(code, /^"use strict";var __damLazy=/, 'the helper goes after the directive, which stays first');
    await writeFile(out, code);
    const result = JSON.parse(execFileSync(process.execPath, [out], { encoding: 'utf8' })) as {
      before: { crypto: boolean; zlib: boolean; path: string };
      after: { crypto: boolean; zlib: boolean };
      digest: string;
    };
    assert.deepEqual(result.before, { crypto: false, zlib: false, path: join('a', 'b') });
    assert.deepEqual(result.after, { crypto: true, zlib: true });
    assert.equal(result.digest, createHash('sha256').update('dam').digest('hex'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a lazy require left in the bundle is an error, not a silent eager load', () => {
  assert.throws(() => lazyRequires('"use strict";x=require("dam-lazy:node:crypto"+"")'), /still names dam-lazy:/);
});
