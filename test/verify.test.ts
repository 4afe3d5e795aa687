// dam verify checks each installed app against what was installed: image present, tag on the recorded
// image, kept /meta copy as hashed at install ("not recorded" for older states); dam doctor includes it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dam, tempHome, uniqueName, type DamResult } from './harness/dam.js';
import { buildTestApp, removeTestImages } from './harness/apps.js';
import { testEngine } from './harness/engine.js';

const gone = uniqueName('verifa');
const edited = uniqueName('verifb');
const old = uniqueName('verifc');
let home: string;
let cleanup: () => Promise<void>;

before(async () => {
  ({ home, cleanup } = await tempHome());
  for (const name of [gone, edited, old]) await buildTestApp({ name, version: '1.0' });
});

after(async () => {
  for (const name of [gone, edited, old]) await run(['remove', name, '--force']);
  await removeTestImages([gone, edited, old]);
  await cleanup();
});

const run = (args: string[]): Promise<DamResult> => dam(args, { home, env: { DAMTEST_LOG: '/dev/null' } });

interface Verdict {
  name: string;
  image: string;
  tagState: string;
  meta: string;
  problems: string[];
}

test('verify and doctor report an app whose image was removed and a kept /meta that changed', async () => {
  for (const name of [gone, edited, old]) assert.equal((await run(['install', `${name}:1.0`])).code, 0);
  const clean = await run(['verify']);
  assert.equal(clean.code, 0, clean.stdout + clean.stderr);
  assert.match(clean.stdout, /All 3 app\(s\) are as installed/);
  assert.equal((await run(['doctor'])).code, 0);

  // A state from before the hashes were recorded: "not recorded", not a failure.
  const stateFile = join(home, 'state.json');
  const state = JSON.parse(await readFile(stateFile, 'utf8')) as {
    apps: Array<{ name: string; metaDigests?: unknown }>;
  };
  for (const a of state.apps) if (a.name === old) delete a.metaDigests;
  await writeFile(stateFile, JSON.stringify(state));
  const ids = Object.fromEntries(state.apps.map((a) => [a.name, (a as unknown as { id: number }).id]));

  await testEngine().removeImage(`${gone}:1.0`);
  await appendFile(join(home, 'apps', String(ids[edited]), 'meta', 'uninstall'), 'echo tampered\n');

  const out = await run(['verify', '--json']);
  assert.equal(out.code, 1);
  const report = JSON.parse(out.stdout) as { schemaVersion: number; ok: boolean; apps: Verdict[] };
  assert.equal(report.schemaVersion, 1);
  assert.equal(report.ok, false);
  const by = Object.fromEntries(report.apps.map((a) => [a.name, a]));
  assert.deepEqual([by[gone]?.image, by[gone]?.tagState, by[gone]?.meta], ['missing', 'missing', 'ok']);
  assert.deepEqual([by[edited]?.image, by[edited]?.meta], ['ok', 'changed']);
  assert.match(by[edited]?.problems.join() ?? '', /uninstall changed/);
  assert.deepEqual([by[old]?.meta, by[old]?.problems], ['not-recorded', []]);

  const text = await run(['verify']);
  assert.match(text.stdout, /3 problem\(s\):/);
  assert.match(text.stdout, new RegExp(`${gone}:1\\.0: its image [0-9a-f]{12} is not in the engine`));
  assert.match(text.stdout, /not recorded/);
  assert.equal((await run(['verify', old])).code, 0, 'one app can be checked alone');
  assert.equal((await run(['verify', 'nosuch'])).code, 1);

  const doctor = await run(['doctor']);
  assert.equal(doctor.code, 1, 'doctor no longer says ok after docker rmi of an installed app');
  assert.match(doctor.stdout, /Apps {8}3 problems:/);
  assert.match(doctor.stdout, new RegExp(`${gone}:1\\.0: the tag ${gone}:1\\.0 does not exist`));
  const json = JSON.parse((await run(['doctor', '--json'])).stdout) as {
    ok: boolean;
    apps: { checked: number; problems: string[] };
  };
  assert.deepEqual([json.ok, json.apps.checked, json.apps.problems.length], [false, 3, 3]);
});
