// dam export never replaces a file of the other kind without --force: a bundle by an app list (a forgotten
// --all), or an app list by a bundle.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dam, tempHome, uniqueName, type DamResult } from './harness/dam.js';
import { buildTestApp, removeTestImages } from './harness/apps.js';

const app = uniqueName('oexport');
let home: string;
let cleanup: () => Promise<void>;
let dir: string;

before(async () => {
  ({ home, cleanup } = await tempHome());
  dir = await mkdtemp(join(tmpdir(), 'damtest-oexport-'));
  await buildTestApp({ name: app, version: '1.0' });
});

after(async () => {
  await dam(['remove', app], { home, env: { DAMTEST_LOG: '/dev/null' } });
  await removeTestImages([app]);
  await rm(dir, { recursive: true, force: true });
  await cleanup();
});

const run = (args: string[]): Promise<DamResult> => dam(args, { home, cwd: dir, env: { DAMTEST_LOG: '/dev/null' } });

test('a bundle is not replaced by a list, nor a list by a bundle, without --force', async () => {
  assert.equal((await run(['install', `${app}:1.0`])).code, 0);
  const bundle = join(dir, 'copy.bundle');
  assert.equal((await run(['export', '--all', bundle])).code, 0);
  const bytes = await readFile(bundle);

  const list = await run(['export', bundle]);
  assert.equal(list.code, 1);
  assert.match(list.stderr, /copy\.bundle' is a bundle, and this export would replace it with an app list/);
  assert.match(list.stderr, /--all/);
  assert.deepEqual(await readFile(bundle), bytes, 'the bundle is untouched');

  assert.equal((await run(['export', '--all', bundle])).code, 0, 'a bundle may replace a bundle');
  const forced = await run(['export', bundle, '--force']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(await readFile(bundle, 'utf8'), `${app}:1.0\n`);

  const txt = join(dir, 'apps.txt');
  assert.equal((await run(['export', txt])).code, 0);
  const asBundle = await run(['export', '--all', txt]);
  assert.equal(asBundle.code, 1);
  assert.match(asBundle.stderr, /is an app list, and this export would replace it with a bundle/);
  assert.equal(await readFile(txt, 'utf8'), `${app}:1.0\n`);
  assert.equal((await run(['export', '--format', 'json', txt])).code, 0, 'a product may replace a list');
});
