// dam purge removes only what its own state directory acquired: images loaded through it that none of its
// apps uses, keeping the previous version for rollback; it asks first (exit 2 without a terminal), and
// prints sizes. Runs on the shared engine, which is safe exactly because purge never touches others' images.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dam, tempHome, uniqueName, type DamResult } from './harness/dam.js';
import { buildTestApp, removeTestImages } from './harness/apps.js';
import { testEngine } from './harness/engine.js';

const engine = testEngine();
const app = uniqueName('opurge');
const gone = uniqueName('opurgeb');
const shared = uniqueName('opurgec');
const foreign = uniqueName('opurged');
const names = [app, gone, shared, foreign];
const homes: Array<{ home: string; cleanup: () => Promise<void> }> = [];
let dir: string;
const archive = (ref: string) => join(dir, `${ref.replace(':', '-')}.tar`);

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'damtest-opurge-'));
  for (const ref of [`${app}:1.0`, `${app}:2.0`, `${gone}:1.0`, `${shared}:1.0`]) {
    await buildTestApp({
      name: ref.split(':')[0] ?? '',
      version: ref.split(':')[1] ?? '',
      family: ref.startsWith(app) ? app : undefined,
    });
    await pipeline(await engine.save([ref]), createWriteStream(archive(ref)));
    await engine.removeImage(ref);
  }
  await buildTestApp({ name: foreign, version: '1.0' });
  for (let i = 0; i < 3; i++) homes.push(await tempHome());
});

after(async () => {
  await removeTestImages(names);
  await rm(dir, { recursive: true, force: true });
  for (const h of homes) await h.cleanup();
});

const run = (n: number, args: string[]): Promise<DamResult> =>
  dam(args, { home: homes[n]?.home ?? '', cwd: dir, env: { DAMTEST_LOG: '/dev/null' } });
const ok = async (n: number, args: string[]) => {
  const out = await run(n, args);
  assert.equal(out.code, 0, `${args.join(' ')}: ${out.stderr}`);
  return out;
};
const present = async (ref: string) => (await engine.inspectImage(ref)) !== undefined;
const dryRun = async (n: number) =>
  JSON.parse((await ok(n, ['purge', '--dry-run', '--json'])).stdout) as {
    remove: Array<{ tags: string[]; size: number }>;
    keep: Array<{ tags: string[]; reason: string }>;
  };

test('purge removes only the images its own state directory acquired', async () => {
  // State 0 loads app 1.0, upgrades to 2.0, loads `gone` and removes it. State 1 loads `shared`, which state
  // 0 then installs from the local cache and removes: state 1's app still needs it.
  await ok(0, ['install', archive(`${app}:1.0`)]);
  await ok(0, ['upgrade', archive(`${app}:2.0`)]);
  await ok(0, ['install', archive(`${gone}:1.0`)]);
  await ok(0, ['remove', gone]);
  await ok(1, ['install', archive(`${shared}:1.0`)]);
  await ok(0, ['install', `${shared}:1.0`]);
  await ok(0, ['remove', shared]);

  const fresh = await dryRun(2);
  assert.deepEqual(
    fresh.remove,
    [],
    'a fresh state directory owns nothing, whatever DAM labels the engine images carry',
  );

  const plan = await dryRun(0);
  assert.deepEqual(
    plan.remove.map((i) => i.tags),
    [[`${gone}:1.0`]],
    'only the unused image state 0 acquired',
  );
  assert.ok((plan.remove[0]?.size ?? 0) > 0);
  assert.deepEqual(plan.keep.map((k) => [k.tags[0], k.reason]).sort(), [
    [`${app}:1.0`, 'previous-version'],
    [`${app}:2.0`, 'installed'],
  ]);
  assert.ok(
    !JSON.stringify(plan).includes(foreign) && !JSON.stringify(plan).includes(shared),
    'images others brought are not even listed',
  );

  const text = await ok(0, ['purge', '--dry-run']);
  assert.match(text.stdout, new RegExp(`${gone}:1\\.0\\s+\\d[\\d.]* (B|kB|MB)`));
  assert.match(text.stdout, /Would remove 1 image\(s\); total reclaimable space: up to \d/);
});

test('purge asks first: without a terminal and without --yes it exits 2 and removes nothing', async () => {
  const out = await run(0, ['purge']);
  assert.equal(out.code, 2, out.stderr);
  assert.match(out.stderr, /needs a confirmation, and there is no terminal/);
  assert.match(out.stderr, /--yes/);
  assert.ok(await present(`${gone}:1.0`));
});

test('purge --yes removes, prints the total, keeps the previous version until --no-keep-previous', async () => {
  const out = await ok(0, ['purge', '--yes']);
  assert.match(out.stdout, /Removed 1 image\(s\); total reclaimed space: up to \d/);
  assert.equal(await present(`${gone}:1.0`), false);
  for (const kept of [`${app}:1.0`, `${app}:2.0`, `${shared}:1.0`, `${foreign}:1.0`])
    assert.ok(await present(kept), `${kept} stays`);

  await ok(0, ['purge', '--force', '--no-keep-previous']);
  assert.equal(await present(`${app}:1.0`), false, 'the previous version goes with --no-keep-previous');
  assert.ok(await present(`${app}:2.0`), 'the installed app always stays');
  assert.ok(await present(`${shared}:1.0`), "another state directory's image stays");
  const again = await ok(0, ['purge', '--yes']);
  assert.match(again.stdout, /Removed 0 image/);
});

test('purge --all is refused with a usage error', async () => {
  const out = await run(0, ['purge', '--all', '--dry-run']);
  assert.equal(out.code, 2);
  assert.match(out.stderr, /only the images this state directory acquired/);
});
