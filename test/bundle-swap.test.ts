// A format 2 layer that DAM inflates is held to its diff id (from the config the signed index pins) rather
// than hashed twice (decision 0019, addendum). So a bundle whose layer blob was swapped for other gzip bytes
// of the same length, which inflate cleanly to another layer, must still be refused, with nothing changed:
// no script runs, the engine and DAM's state are as before.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { dam, tempHome, uniqueName, TEST_LABEL } from './harness/dam.js';
import { engineView, hasStackTrace, removeLabelledImages, stateView } from './harness/hostile.js';
import { writeBombBundle } from './harness/bomb-bundle.js';
import { memberBlocks } from '../src/core/archive/tar-blocks.test-helper.js';

const run = uniqueName('swap');
const labels = { [TEST_LABEL]: run };
const labelFilter = `${TEST_LABEL}=${run}`;
const tag = `${uniqueName('swapapp')}:1.0`;
const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
let dir: string;
let log: string;
let home: string;
let cleanupHome: () => Promise<void>;

/** A layer tar of /meta scripts and 64 KiB of `fill`; gzip'd without compression, so its length is the fill's. */
function layer(fill: string): { tar: Buffer; gz: Buffer } {
  const script = (what: string) => `#!/bin/sh\necho "swap ${what}" >> "$DAMTEST_LOG"\n`;
  const tar = Buffer.concat([
    memberBlocks('meta/', '', '5'),
    memberBlocks('meta/install', script('install')),
    memberBlocks('meta/uninstall', script('uninstall')),
    memberBlocks('data', fill.repeat(64 * 1024)),
    Buffer.alloc(1024),
  ]);
  return { tar, gz: gzipSync(tar, { level: 0 }) };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'damtest-swap-'));
  log = join(dir, 'scripts.log');
  await writeFile(log, '');
  ({ home, cleanup: cleanupHome } = await tempHome());
  assert.equal((await dam(['list'], { home })).code, 0);
});

after(async () => {
  await removeLabelledImages(labelFilter);
  await rm(dir, { recursive: true, force: true });
  await cleanupHome();
});

test('a layer blob swapped for other gzip bytes of the same length is refused, and nothing changes', async () => {
  const built = layer('a');
  const swapped = layer('b');
  assert.equal(swapped.gz.length, built.gz.length, 'the swap keeps the size the index states');
  const path = join(dir, 'swapped.bundle');
  for (const unpackedSize of [built.tar.length, undefined]) {
    await writeBombBundle(path, {
      tag,
      gz: built.gz,
      diffId: sha(built.tar),
      labels,
      ...(unpackedSize === undefined ? {} : { unpackedSize }),
      carried: swapped.gz,
    });
    const engineBefore = await engineView([tag], labelFilter);
    const stateBefore = await stateView(home);
    const out = await dam(['import', path, '--yes'], { home, cwd: dir, env: { DAMTEST_LOG: log } });
    const sized = unpackedSize === undefined ? 'sized by its trailer' : 'sized by the index';
    assert.equal(out.code, 1, `${sized}: ${out.stderr}`);
    assert.equal(hasStackTrace(out.stderr), false, out.stderr);
    assert.match(
      out.stderr,
      new RegExp(
        `swapped\\.bundle' is invalid: member 'blobs/sha256/${sha(built.gz).slice(7)}' has (sha256 ${sha(swapped.tar).slice(7)}|content ${sha(swapped.gz)})`,
      ),
      sized,
    );
    assert.equal(await readFile(log, 'utf8'), '', `${sized}: no script ran`);
    assert.equal(await engineView([tag], labelFilter), engineBefore, `${sized}: the engine is as before`);
    assert.deepEqual(await stateView(home), stateBefore, `${sized}: DAM's state is as before`);
  }
});

test('the same bundle, not swapped, imports: the refusal is the swap', async () => {
  const built = layer('a');
  const path = join(dir, 'honest.bundle');
  await writeBombBundle(path, { tag, gz: built.gz, diffId: sha(built.tar), labels, unpackedSize: built.tar.length });
  const h = await tempHome();
  try {
    const out = await dam(['import', path, '--yes'], { home: h.home, cwd: dir, env: { DAMTEST_LOG: log } });
    assert.equal(out.code, 0, out.stderr);
    assert.match(await readFile(log, 'utf8'), /swap install/);
  } finally {
    await writeFile(log, '');
    await h.cleanup();
  }
});
