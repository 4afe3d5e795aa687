// Installs are idempotent, like apt's: installing what is installed exits 0 and says so, deciding before any
// archive is read (a .dam from its name); --reinstall runs the scripts again; install, upgrade and remove
// --dry-run print the plan (also as JSON) and change nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dam, tempHome, uniqueName, type DamResult } from './harness/dam.js';
import { buildTestApp, removeTestImages } from './harness/apps.js';
import { testEngine } from './harness/engine.js';

const app = uniqueName('idem');
const other = uniqueName('idemb');
let home: string;
let cleanup: () => Promise<void>;
let dir: string;
let log: string;

before(async () => {
  ({ home, cleanup } = await tempHome());
  dir = await mkdtemp(join(tmpdir(), 'damtest-idem-'));
  log = join(dir, 'scripts.log');
  await writeFile(log, '');
  for (const [name, version] of [
    [app, '1.0'],
    [app, '2.0'],
    [other, '1.0'],
  ] as const)
    await buildTestApp({ name, version });
});

after(async () => {
  await removeTestImages([app, other]);
  await rm(dir, { recursive: true, force: true });
  await cleanup();
});

const run = (args: string[]): Promise<DamResult> => dam(args, { home, cwd: dir, env: { DAMTEST_LOG: log } });
const ok = async (args: string[]) => {
  const out = await run(args);
  assert.equal(out.code, 0, `${args.join(' ')}: ${out.stderr}`);
  return out;
};
const scripts = async () =>
  (await readFile(log, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' ').slice(0, 2).join(' '));
const listed = async () =>
  (JSON.parse((await ok(['list', '--json'])).stdout) as Array<{ name: string; version: string; id: number }>).map(
    (a) => `${a.name}:${a.version}#${a.id}`,
  );

test('installing an installed app exits 0 and says so, without running anything', async () => {
  await ok(['install', `${app}:1.0`]);
  const again = await ok(['install', `${app}:1.0`, '--json']);
  assert.match(again.stderr, /is already installed \(known from the installed apps\); nothing to do/);
  assert.equal((JSON.parse(again.stdout) as Array<{ alreadyInstalled: boolean }>)[0]?.alreadyInstalled, true);
  assert.deepEqual(await scripts(), ['install install']);
});

test('a .dam archive of an installed app is recognised by its name, without reading it', async () => {
  await ok(['save', `${app}:1.0`]);
  const [saved] = (await readdir(dir)).filter((f) => f.endsWith('.dam'));
  assert.ok(saved);
  // Same name, garbage inside: only a decision from the name can say "already installed" here.
  await mkdir(join(dir, 'garbage'));
  await writeFile(join(dir, 'garbage', saved), 'not an archive at all');
  const out = await ok(['install', join(dir, 'garbage', saved)]);
  assert.match(out.stderr, /already installed \(known from the archive file name, without reading it\)/);

  const tar = join(dir, 'plain.tar');
  await pipeline(await testEngine().save([`${app}:1.0`]), createWriteStream(tar));
  const plain = await ok(['install', tar]);
  assert.match(plain.stderr, /already installed \(known from the archive's manifest\)/);
  assert.deepEqual(await scripts(), ['install install']);
});

test('--reinstall runs the uninstall and the install again, and keeps one record', async () => {
  const before = await listed();
  const out = await ok(['install', `${app}:1.0`, '--reinstall']);
  assert.match(out.stderr, /was reinstalled/);
  assert.deepEqual(await scripts(), ['install install', 'uninstall remove', 'install install']);
  const after = await listed();
  assert.equal(after.length, 1);
  assert.notEqual(after[0], before[0], 'a new record (ids are never reused)');
});

test('--dry-run of install, upgrade and remove prints the plan and changes nothing', async () => {
  const before = await listed();
  const inst = await ok(['install', `${other}:1.0`, `${app}:1.0`, '--dry-run', '--json']);
  const plan = JSON.parse(inst.stdout) as {
    schemaVersion: number;
    dryRun: boolean;
    steps: Array<{ action: string; source: string; scripts: string[] }>;
  };
  assert.equal(plan.schemaVersion, 1);
  assert.deepEqual(
    plan.steps.map((s) => [s.action, s.source]),
    [
      ['install', 'local'],
      ['none', 'installed'],
    ],
  );

  const up = JSON.parse((await ok(['upgrade', `${app}:2.0`, '--dry-run', '--json'])).stdout) as {
    steps: Array<{ action: string; replaces: { version: string }; scripts: string[] }>;
  };
  assert.deepEqual(
    [up.steps[0]?.action, up.steps[0]?.replaces.version, up.steps[0]?.scripts],
    ['upgrade', '1.0', ['uninstall', 'install']],
  );

  const rmText = await ok(['remove', app, '--dry-run']);
  assert.match(
    rmText.stdout,
    new RegExp(`Plan \\(dry run, nothing was changed\\):\\n  remove ${app}:1\\.0; scripts: uninstall`),
  );
  const rmJson = JSON.parse((await ok(['remove', app, '--dry-run', '--json'])).stdout) as {
    operation: string;
    steps: Array<{ action: string }>;
  };
  assert.deepEqual([rmJson.operation, rmJson.steps[0]?.action], ['remove', 'remove']);

  assert.deepEqual(await listed(), before, 'nothing was installed, upgraded or removed');
  assert.equal((await scripts()).length, 3, 'no script ran');
  assert.equal((await run(['remove', 'nosuch', '--dry-run'])).code, 1);
});
