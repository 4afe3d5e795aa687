// A relative --home is the folder it names from where dam runs: install scripts (run in the app's kept meta
// copy, in another working folder) and the journal still find the state.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dam, uniqueName } from './harness/dam.js';
import { buildTestApp, removeTestImages } from './harness/apps.js';

const name = uniqueName('relhome');
let dir: string | undefined;

after(async () => {
  await removeTestImages([name]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('install and remove with a relative --home run the scripts and keep the state there', async () => {
  dir = await mkdtemp(join(tmpdir(), 'damtest-relhome-'));
  await buildTestApp({ name, version: '1.0' });
  const log = join(dir, 'scripts.log');
  const run = (args: string[]) => dam(args, { home: 'state', cwd: dir, env: { DAMTEST_LOG: log } });
  const installed = await run(['install', `${name}:1.0`]);
  assert.equal(installed.code, 0, installed.stderr);
  assert.ok((await stat(join(dir, 'state', 'state.json'))).isFile());
  const removed = await run(['remove', name]);
  assert.equal(removed.code, 0, removed.stderr);
  assert.match(
    await readFile(log, 'utf8'),
    new RegExp(`^install install ${name} 1\\.0.*\\nuninstall remove ${name} 1\\.0`, 's'),
  );
});
