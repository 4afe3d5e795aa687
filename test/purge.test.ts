// dam purge on a second engine of its own, whose images were all loaded there outside DAM: installing one
// from the local cache does not make it DAM's, so purge leaves every image alone, DAM labels or not (the
// images DAM itself acquires are purged in ops-purge.test.ts).
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
  const tags = [
    await buildTestApp({ name: app, version: '1.0' }),
    await buildTestApp({ name: app, version: '2.0' }),
    await buildTestApp({ name: other, version: '1.0' }),
    await buildTestApp({ name: used, version: '1.0' }),
  ];
  second = await startSecondEngine();
  await second.engine.load(await testEngine().save([...tags, BASE_IMAGE]));
});

after(async () => {
  await second?.stop();
  await removeTestImages([app, other, used]);
  await cleanup();
});

const run = (args: string[]): Promise<DamResult> =>
  dam(args, { home, env: { ...second.env, DAMTEST_LOG: '/dev/null' } });
const present = async (ref: string) => (await second.engine.inspectImage(ref)) !== undefined;

test('purge never removes images its state directory did not acquire', async () => {
  assert.equal((await run(['install', `${app}:1.0`])).code, 0);
  assert.equal((await run(['upgrade', `${app}:2.0`])).code, 0);
  await second.engine.createContainer({ image: `${used}:1.0`, labels: { 'dam.test': 'purge' } });

  const dry = await run(['purge', '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /Would remove 0 image\(s\)/);

  const out = await run(['purge', '--yes', '--no-keep-previous']);
  assert.equal(out.code, 0, out.stderr);
  for (const kept of [`${other}:1.0`, `${app}:2.0`, `${app}:1.0`, `${used}:1.0`, BASE_IMAGE])
    assert.ok(await present(kept), `${kept} stays`);
});
