// dam import: the plan, its confirmation, one transaction for the whole product (a failing app puts every
// app back), idempotence, recovery after SIGKILL, and bundles carried to a second engine that has nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dam, tempHome, uniqueName, type DamResult } from './harness/dam.js';
import { buildTestApp, removeTestImages } from './harness/apps.js';
import { startSecondEngine, type SecondEngine } from './harness/second-engine.js';

const a = uniqueName('ima');
const b = uniqueName('imb');
const c = uniqueName('imc');
let home: string;
let cleanup: () => Promise<void>;
let dir: string;
let logFile: string;

before(async () => {
  ({ home, cleanup } = await tempHome());
  dir = await mkdtemp(join(tmpdir(), 'damtest-import-'));
  logFile = join(dir, 'scripts.log');
  await buildTestApp({ name: a, version: '1.0' });
  await buildTestApp({ name: a, version: '2.0' });
  await buildTestApp({ name: b, version: '1.0' });
  await buildTestApp({ name: c, version: '1.0', install: 'exit 5' });
});

after(async () => {
  await removeTestImages([a, b, c]);
  await rm(dir, { recursive: true, force: true });
  await cleanup();
});

const run = (args: string[], env: Record<string, string> = {}, h = home): Promise<DamResult> =>
  dam(args, { home: h, cwd: dir, env: { DAMTEST_LOG: logFile, ...env } });

async function installed(h = home, env: Record<string, string> = {}): Promise<string[]> {
  const out = await run(['list', '--json'], env, h);
  assert.equal(out.code, 0, out.stderr);
  return (JSON.parse(out.stdout) as Array<{ name: string; version: string }>)
    .map((x) => `${x.name}:${x.version}`)
    .sort();
}

async function netInstalls(): Promise<Record<string, number>> {
  const net: Record<string, number> = {};
  for (const line of (await readFile(logFile, 'utf8').catch(() => '')).split('\n').filter(Boolean)) {
    const [script, , name, version] = line.split(' ');
    net[`${name}:${version}`] = (net[`${name}:${version}`] ?? 0) + (script === 'install' ? 1 : -1);
  }
  return Object.fromEntries(Object.entries(net).filter(([, n]) => n !== 0));
}

async function setHost(apps: string[]): Promise<void> {
  await writeFile(join(dir, 'set.txt'), apps.join('\n'));
  const out = await run(['import', join(dir, 'set.txt'), '--yes']);
  assert.equal(out.code, 0, out.stderr);
  assert.deepEqual(await installed(), [...apps].sort());
}

test('export writes the 1.x list; import plans, asks, and brings the host back to it', async () => {
  await setHost([`${a}:1.0`, `${b}:1.0`]);
  const list = join(dir, 'product.txt');
  assert.equal((await run(['export', list])).code, 0);
  assert.deepEqual((await readFile(list, 'utf8')).split('\n').filter(Boolean).sort(), [`${a}:1.0`, `${b}:1.0`].sort());

  assert.equal((await run(['remove', b])).code, 0);
  assert.equal((await run(['upgrade', `${a}:2.0`])).code, 0);
  const dry = await run(['import', list, '--dry-run', '--json']);
  assert.equal(dry.code, 0, dry.stderr);
  const plan = JSON.parse(dry.stdout) as {
    upgrade: Array<{ from: string; to: string }>;
    install: string[];
    remove: string[];
    applied: boolean;
  };
  assert.deepEqual(plan.upgrade, [{ from: `${a}:2.0`, to: `${a}:1.0` }]);
  assert.deepEqual(plan.install, [`${b}:1.0`]);
  assert.deepEqual([plan.remove, plan.applied], [[], false]);
  assert.deepEqual(await installed(), [`${a}:2.0`], 'a dry run changes nothing');

  const noTty = await run(['import', list]);
  assert.equal(noTty.code, 2, 'without a terminal and without --yes it stops instead of waiting');
  assert.match(noTty.stderr, /no terminal to ask[\s\S]*--yes/);
  assert.deepEqual(await installed(), [`${a}:2.0`]);

  const out = await run(['import', list, '--yes']);
  assert.equal(out.code, 0, out.stderr);
  assert.deepEqual(await installed(), [`${a}:1.0`, `${b}:1.0`]);
  const state = await readFile(join(home, 'state.json'), 'utf8');
  const again = await run(['import', list, '--yes']);
  assert.equal(again.code, 0);
  assert.match(again.stderr, /Nothing to do/);
  assert.equal(
    await readFile(join(home, 'state.json'), 'utf8'),
    state,
    'a finished import run again changes nothing at all',
  );
});

test('a failing app rolls the whole import back: removed apps return, upgraded apps go back', async () => {
  await setHost([`${a}:1.0`, `${b}:1.0`]);
  await rm(logFile, { force: true });
  await writeFile(join(dir, 'bad.txt'), `${a}:2.0\n${c}:1.0\n`);
  const out = await run(['import', join(dir, 'bad.txt'), '--yes']);
  assert.equal(out.code, 1);
  assert.match(out.stderr, new RegExp(`Import stopped at ${c}:1\\.0 \\(install\\)`));
  assert.deepEqual(await installed(), [`${a}:1.0`, `${b}:1.0`]);
  assert.deepEqual(await netInstalls(), {}, 'every script this run ran was undone');
  assert.deepEqual(await readdir(join(home, 'journal')), []);
});

test('an import killed with SIGKILL is rolled back by the next dam', async () => {
  await setHost([`${a}:1.0`]);
  await writeFile(join(dir, 'next.txt'), `${a}:2.0\n${b}:1.0\n`);
  for (const step of ['after-install-script', 'before-commit']) {
    const killed = await run(['import', join(dir, 'next.txt'), '--yes'], { DAM_FAULT_KILL_AT: step });
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    const doctor = await run(['doctor']);
    assert.match(doctor.stdout, /unfinished/);
    assert.equal((await run(['recover'])).code, 0);
    assert.deepEqual(await installed(), [`${a}:1.0`], step);
  }
  const done = await run(['import', join(dir, 'next.txt'), '--yes'], { DAM_FAULT_KILL_AT: 'after-commit' });
  assert.equal(done.signal, 'SIGKILL');
  assert.equal((await run(['recover'])).code, 0);
  assert.deepEqual(await installed(), [`${a}:2.0`, `${b}:1.0`], 'killed after its commit, the import is finished');
});

test('--restore removes everything first, then installs the list', async () => {
  await setHost([`${a}:1.0`]);
  await rm(logFile, { force: true });
  await writeFile(join(dir, 'same.txt'), `${a}:1.0\n`);
  const out = await run(['import', join(dir, 'same.txt'), '--restore', '--yes']);
  assert.equal(out.code, 0, out.stderr);
  assert.deepEqual(await installed(), [`${a}:1.0`]);
  const lines = (await readFile(logFile, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' ')[0]);
  assert.deepEqual(lines, ['uninstall', 'install']);
});

test('a bundle carries the product to a second engine that has nothing, and a damaged one changes nothing', async () => {
  await setHost([`${a}:1.0`, `${b}:1.0`]);
  const bundle = join(dir, 'product.bundle');
  const exported = await run(['export', '--all', bundle]);
  assert.equal(exported.code, 0, exported.stderr);
  let second: SecondEngine | undefined;
  const other = await tempHome();
  try {
    second = await startSecondEngine();
    const env = second.env;
    const bytes = await readFile(bundle);
    const flipped = Buffer.from(bytes);
    const i = Math.floor(flipped.length * 0.6);
    flipped[i] = (flipped[i] ?? 0) ^ 0x55;
    await writeFile(join(dir, 'flipped.bundle'), flipped);
    const bad = await run(['import', join(dir, 'flipped.bundle'), '--yes'], env, other.home);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /flipped\.bundle/);
    assert.deepEqual(await second.engine.listImages(), [], 'the damaged bundle left the engine empty');
    assert.deepEqual(await installed(other.home, env), []);

    const dry = await run(['import', bundle, '--dry-run', '--json'], env, other.home);
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal((JSON.parse(dry.stdout) as { source: { kind: string } }).source.kind, 'bundle');
    const out = await run(['import', bundle, '--yes'], env, other.home);
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(await installed(other.home, env), [`${a}:1.0`, `${b}:1.0`]);
    const again = await run(['import', bundle, '--yes'], env, other.home);
    assert.equal(again.code, 0);
    assert.match(again.stderr, /Nothing to do/);

    // A delta against the offline host's inventory carries only what it lacks, and upgrades it.
    const inventory = join(dir, 'inventory.json');
    assert.equal((await run(['inventory', '-o', inventory], env, other.home)).code, 0);
    assert.equal((await run(['upgrade', `${a}:2.0`])).code, 0);
    const delta = join(dir, 'delta.bundle');
    const made = await run(['export', '--all', '--delta', inventory, delta]);
    assert.equal(made.code, 0, made.stderr);
    assert.ok((await readFile(delta)).length < bytes.length, 'the delta is smaller than the full bundle');
    const up = await run(['import', delta, '--yes'], env, other.home);
    assert.equal(up.code, 0, up.stderr);
    assert.deepEqual(await installed(other.home, env), [`${a}:2.0`, `${b}:1.0`]);

    // On a host lacking a layer the delta leaves out, it stops before any change, naming the layer.
    const fresh = await tempHome();
    try {
      for (const image of await second.engine.listImages()) await second.engine.removeImage(image.id, { force: true });
      const lacking = await run(['import', delta, '--yes'], env, fresh.home);
      assert.equal(lacking.code, 1);
      assert.match(
        lacking.stderr,
        /delta that leaves out \d+ layer\(s\) this engine does not have, e\.g\. sha256:[0-9a-f]{64}/,
      );
      assert.deepEqual(await second.engine.listImages(), []);
      assert.deepEqual(await installed(fresh.home, env), []);
    } finally {
      await fresh.cleanup();
    }
  } finally {
    await other.cleanup();
    await second?.stop();
  }
});
