// dam purge for real, on a second engine of its own (a purge on the shared engine would touch other
// programs' images): unused app images go; installed apps, the previous version of an upgraded app,
// images used by containers and images without DAM labels stay, until --all and --no-keep-previous.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dam, tempHome, uniqueName, type DamResult } from './harness/dam.js';
import { buildTestApp, removeTestImages } from './harness/apps.js';
import { BASE_IMAGE, testEngine } from './harness/engine.js';
import { startSecondEngine, type SecondEngine } from './harness/second-engine.js';

const app = uniqueName('purge');
const other = uniqueName('purgeb');
const used = uniqueName('purgec');
let second: SecondEngine;
let home: string;
let cleanup: () => Promise<void>;

before(async () => {
  ({ home, cleanup } = await tempHome());
  const tags = [await buildTestApp({ name: app, version: '1.0' }), await buildTestApp({ name: app, version: '2.0' }), await buildTestApp({ name: other, version: '1.0' }), await buildTestApp({ name: used, version: '1.0' })];
  second = await startSecondEngine();
  await second.engine.load(await testEngine().save([...tags, BASE_IMAGE]));
});

after(async () => {
  await second?.stop();
  await removeTestImages([app, other, used]);
  await cleanup();
});

const run = (args: string[]): Promise<DamResult> => dam(args, { home, env: { ...second.env, DAMTEST_LOG: '/dev/null' } });
const present = async (ref: string) => (await second.engine.inspectImage(ref)) !== undefined;

test('purge removes only what no installed app, container or rollback needs', async () => {
  assert.equal((await run(['install', `${app}:1.0`])).code, 0);
  assert.equal((await run(['upgrade', `${app}:2.0`])).code, 0);
  await second.engine.createContainer({ image: `${used}:1.0`, labels: { 'dam.test': 'purge' } });

  const dry = await run(['purge', '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, new RegExp(`Would remove 1 image\\(s\\)[\\s\\S]*${other}:1\\.0`));
  assert.ok(await present(`${other}:1.0`), 'a dry run removes nothing');

  const out = await run(['purge']);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(await present(`${other}:1.0`), false, 'an unused app image goes');
  for (const kept of [`${app}:2.0`, `${app}:1.0`, `${used}:1.0`, BASE_IMAGE]) assert.ok(await present(kept), `${kept} stays`);

  const all = await run(['purge', '--all', '--no-keep-previous']);
  assert.equal(all.code, 0, all.stderr);
  assert.equal(await present(`${app}:1.0`), false, 'the previous version goes with --no-keep-previous');
  assert.equal(await present(BASE_IMAGE), false, 'images without DAM labels go with --all');
  assert.ok(await present(`${app}:2.0`), 'the installed app always stays');
  assert.ok(await present(`${used}:1.0`), 'an image used by a container always stays');
});
