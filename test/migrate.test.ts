// Migrating from DAM 1.x with the real 1.2.1 binary (harness/dam1x.ts): apps 1.x installed are taken over
// by `dam migrate` after DAM already ran, and the 1.x binary then refuses to see or uninstall them; a
// conflict refuses the migration and changes nothing; `dam export --all --format dam1` is imported by 1.x;
// a .dam that 1.x saved installs in DAM.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dam, tempHome, uniqueName, type DamResult } from './harness/dam.js';
import { buildTestApp, removeTestImages } from './harness/apps.js';
import { testEngine } from './harness/engine.js';
import { dam1, dam1xMissing } from './harness/dam1x.js';

const missing = await dam1xMissing();
if (missing) console.log(`# DAM 1.x interop tests skipped: ${missing}`);
const skip = missing ?? false;

const engine = testEngine();
const [appA, appB, appC, appD] = [uniqueName('miga'), uniqueName('migb'), uniqueName('migc'), uniqueName('migd')] as [
  string,
  string,
  string,
  string,
];
let dir: string;
let log: string;
const cleanups: Array<() => Promise<void>> = [];

async function newHome(): Promise<string> {
  const h = await tempHome();
  cleanups.push(h.cleanup);
  return h.home;
}

async function folder(name: string): Promise<string> {
  const path = join(dir, name);
  await mkdir(path, { recursive: true });
  return path;
}

const run = (args: string[], home: string, env: Record<string, string> = {}, cwd = dir): Promise<DamResult> =>
  dam(args, { home, cwd, env: { DAMTEST_LOG: log, ...env } });
const old = (args: string[], cache: string, cwd: string): Promise<DamResult> =>
  dam1(args, { cache, cwd, env: { DAMTEST_LOG: log } });

function ok(out: DamResult): DamResult {
  assert.equal(out.code, 0, `${out.stdout}\n${out.stderr}`);
  return out;
}

/** The script of each line the test apps' scripts logged (`install` or `uninstall`). */
async function logLines(): Promise<string[]> {
  return (await readFile(log, 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' ')[0]!);
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'damtest-migrate-'));
  log = join(dir, 'scripts.log');
  for (const name of [appA, appB, appC, appD]) await buildTestApp({ name, version: '1.0' });
});

after(async () => {
  await removeTestImages([appA, appB, appC, appD]);
  for (const c of cleanups) await c();
  await rm(dir, { recursive: true, force: true });
});

test(
  'dam migrate takes over the apps 1.x installed, after DAM already ran; 1.x then refuses to see or uninstall them',
  { skip },
  async () => {
    const cache = await folder('cache-migrate');
    const cwd = await folder('cwd-migrate');
    const db = join(cache, 'dam');
    ok(await old(['install', `${appA}:1.0`], cache, cwd));
    ok(await old(['install', `${appB}:1.0`], cache, cwd));
    assert.deepEqual(await logLines(), ['install', 'install'], '1.x ran both install scripts');
    const appsFile = await readFile(join(db, 'Apps'), 'utf8');
    const home = await newHome();
    const env = { XDG_CACHE_HOME: cache };
    ok(await run(['doctor'], home, env));

    const plan = JSON.parse(ok(await run(['migrate', '--dry-run', '--json'], home, env)).stdout) as {
      schemaVersion: number;
      status: string;
      apps: Array<{ name: string; action: string }>;
    };
    assert.equal(plan.schemaVersion, 1);
    assert.equal(plan.status, 'planned');
    assert.deepEqual(
      plan.apps.map((a) => [a.name, a.action]),
      [
        [appA, 'add'],
        [appB, 'add'],
      ],
    );
    assert.equal(await readFile(join(db, 'Apps'), 'utf8'), appsFile, 'the dry run changed nothing');
    assert.deepEqual(JSON.parse(ok(await run(['list', '--json'], home)).stdout), []);

    const done = JSON.parse(ok(await run(['migrate', '--json'], home, env)).stdout) as {
      schemaVersion: number;
      status: string;
      takenOver: { backup: string };
    };
    assert.deepEqual(
      [done.schemaVersion, done.status, done.takenOver.backup],
      [1, 'migrated', 'Apps.taken-over-by-dam2'],
    );
    const listed = JSON.parse(ok(await run(['list', '--json'], home)).stdout) as Array<{
      name: string;
      imageId: string;
    }>;
    assert.deepEqual(
      listed.map((a) => a.name),
      [appA, appB],
    );
    assert.equal(
      listed[0]!.imageId,
      (await engine.inspectImage(`${appA}:1.0`))!.id,
      'the full image id, completed from the engine',
    );
    assert.equal(
      await readFile(join(db, 'Apps.taken-over-by-dam2'), 'utf8'),
      appsFile,
      "1.x's list is kept, unchanged",
    );

    for (const args of [['list'], ['remove', appA], ['import', '--yes', join(cwd, 'empty.txt')]]) {
      await writeFile(join(cwd, 'empty.txt'), '');
      const out = await old(args, cache, cwd);
      assert.equal(out.code, 1, `1.x ${args.join(' ')} refuses: ${out.stdout}${out.stderr}`);
      assert.match(out.stderr, /TAKEN OVER BY DAM 2 ON .*to undo: mv Apps\.taken-over-by-dam2 Apps/);
    }
    assert.deepEqual(await logLines(), ['install', 'install'], '1.x ran no uninstall script');
    assert.equal(JSON.parse(ok(await run(['migrate', '--json'], home, env)).stdout).status, 'already-migrated');

    ok(await run(['remove', `${appA}:1.0`], home));
    assert.deepEqual(await logLines(), ['install', 'install', 'uninstall'], 'DAM runs the uninstall, once');
    // The documented undo gives 1.x its list back.
    await rename(join(db, 'Apps.taken-over-by-dam2'), join(db, 'Apps'));
    assert.match(ok(await old(['list'], cache, cwd)).stdout, new RegExp(appB));
  },
);

test('a conflict refuses the whole migration and changes nothing', async () => {
  const cache = await folder('cache-conflict');
  const home = await newHome();
  ok(await run(['install', `${appC}:1.0`], home));
  const id = (await engine.inspectImage(`${appD}:1.0`))!.id.slice(7, 19);
  await mkdir(join(cache, 'dam'));
  const appsFile = `0;${id};${appD};1.0;1;;${appC}\n`;
  await writeFile(join(cache, 'dam', 'Apps'), appsFile);
  const state = await readFile(join(home, 'state.json'), 'utf8');
  const out = await run(['migrate'], home, { XDG_CACHE_HOME: cache });
  assert.equal(out.code, 1, out.stderr);
  assert.match(
    out.stderr,
    new RegExp(`${appD}:1\\.0 is of the family '${appC}', of which ${appC}:1\\.0 is installed here`),
  );
  assert.match(out.stderr, /Nothing was changed/);
  assert.equal(await readFile(join(home, 'state.json'), 'utf8'), state);
  assert.deepEqual((await readdir(join(cache, 'dam'))).sort(), ['Apps']);
  assert.equal(await readFile(join(cache, 'dam', 'Apps'), 'utf8'), appsFile);
  const plan = await run(['migrate', '--dry-run'], home, { XDG_CACHE_HOME: cache });
  assert.equal(plan.code, 1);
  assert.match(plan.stdout, /conflict: .*dam migrate would refuse/s);
  ok(await run(['remove', `${appC}:1.0`], home));
  const none = await run(['migrate', '--from', join(dir, 'nowhere')], home);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /There is no DAM 1\.x database at .*nowhere/);
  const file = await run(['migrate', '--from', log], home);
  assert.equal(file.code, 1);
  assert.match(file.stderr, /scripts\.log' is not a folder/);
});

test('export --all --format dam1 writes the archive 1.x imports; DAM reads it too', { skip }, async () => {
  const home = await newHome();
  ok(await run(['install', `${appC}:1.0`], home));
  const cwd = await folder('cwd-export');
  const file = join(cwd, 'fleet.tar');
  const usage = await run(['export', '--format', 'dam1', file], home);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /needs --all/);
  assert.equal((await run(['export', '--all', '--format', 'dam1', '--compress', 'zstd', file], home)).code, 2);
  const out = JSON.parse(ok(await run(['export', '--all', '--format', 'dam1', file, '--json'], home)).stdout) as {
    format: string;
    dams: Array<{ file: string; crc32: string }>;
  };
  assert.equal(out.format, 'dam1');
  assert.match(out.dams[0]!.file, new RegExp(`^${appC}-1\\.0\\.${out.dams[0]!.crc32}\\.dam$`));
  ok(await run(['remove', `${appC}:1.0`], home));
  // The image leaves the engine: 1.x must load it from the archive.
  const image = (await engine.inspectImage(`${appC}:1.0`))!.id;
  await engine.removeImage(`${appC}:1.0`, { force: true });
  const cache = await folder('cache-export');
  const before = (await logLines()).length;
  ok(await old(['import', 'fleet.tar', '--yes'], cache, cwd));
  assert.equal((await engine.inspectImage(`${appC}:1.0`))?.id, image);
  assert.match(ok(await old(['list'], cache, cwd)).stdout, new RegExp(`${appC}\\s+\\|\\s+1\\.0`));
  assert.deepEqual((await logLines()).slice(before), ['install']);
  const other = await newHome();
  ok(await run(['import', '--yes', file], other));
  assert.deepEqual(
    JSON.parse(ok(await run(['list', '--json'], other)).stdout).map((a: { name: string }) => a.name),
    [appC],
  );
  ok(await run(['remove', `${appC}:1.0`], other));
});

test('a .dam that 1.x saved installs in DAM', { skip }, async () => {
  const cwd = await folder('cwd-save');
  const cache = await folder('cache-save');
  ok(await old(['save', `${appD}:1.0`], cache, cwd));
  const saved = (await readdir(cwd)).find((f) => f.endsWith('.dam'));
  assert.ok(saved, '1.x wrote a .dam');
  await engine.removeImage(`${appD}:1.0`, { force: true });
  const home = await newHome();
  ok(await run(['install', join(cwd, saved)], home));
  assert.deepEqual(
    JSON.parse(ok(await run(['list', '--json'], home)).stdout).map((a: { name: string }) => a.name),
    [appD],
  );
  ok(await run(['remove', `${appD}:1.0`], home));
});
