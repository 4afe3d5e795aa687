// install, upgrade and remove on the real engine, as transactions: refusals change nothing, failing
// scripts are rolled back, and a dam killed with SIGKILL at any step is finished or rolled back by the next.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { dam, DAM_BIN, tempHome, uniqueName, type DamResult } from './harness/dam.js';
import { buildTestApp, removeTestImages } from './harness/apps.js';
import { testEngine } from './harness/engine.js';

const app = uniqueName('life');
const rival = uniqueName('rival');
let home: string;
let cleanup: () => Promise<void>;
let logFile: string;

before(async () => {
  ({ home, cleanup } = await tempHome());
  logFile = join(home, '..', 'scripts.log');
  await buildTestApp({ name: app, version: '1.0' });
  await buildTestApp({ name: app, version: '2.0' });
  await buildTestApp({ name: app, version: '3.0', install: 'echo "the new version refuses"; exit 3' });
  await buildTestApp({ name: app, version: '4.0', install: 'sleep 5' });
  await buildTestApp({ name: rival, version: '1.0', family: app });
  await buildTestApp({ name: uniqueName('nouninst'), version: '1.0', noUninstall: true, tag: `${app}-nouninst:1.0` });
  await buildTestApp({ name: app, version: '5.0', uninstall: 'exit 4', tag: `${app}-baduninst:5.0` });
  await buildTestApp({ name: app, version: '6.0', install: 'sleep 30', tag: `${app}-hang:6.0` });
});

after(async () => {
  await removeTestImages([app, rival]);
  await cleanup();
});

const run = (args: string[], env: Record<string, string> = {}, h = home): Promise<DamResult> =>
  dam(args, { home: h, env: { DAMTEST_LOG: logFile, ...env } });

async function installed(h = home): Promise<string[]> {
  const out = await run(['list', '--json'], {}, h);
  assert.equal(out.code, 0, out.stderr);
  return (JSON.parse(out.stdout) as Array<{ name: string; version: string }>).map((a) => `${a.name}:${a.version}`);
}

async function scriptLog(): Promise<string[]> {
  return (await readFile(logFile, 'utf8').catch(() => '')).split('\n').filter(Boolean);
}

/** install lines minus uninstall lines, per version: 1 where the app is on the host, 0 where it is not. */
async function netInstalls(): Promise<Record<string, number>> {
  const net: Record<string, number> = {};
  for (const line of await scriptLog()) {
    const [script, , name, version] = line.split(' ');
    const key = `${name}:${version}`;
    net[key] = (net[key] ?? 0) + (script === 'install' ? 1 : -1);
  }
  return Object.fromEntries(Object.entries(net).filter(([, n]) => n !== 0));
}

async function reset(): Promise<void> {
  for (const a of await installed()) await run(['remove', a, '--force']);
  await rm(logFile, { force: true });
}

test('install from the local cache runs install with the script contract and keeps the meta', async () => {
  await reset();
  const out = await run(['install', `${app}:1.0`]);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stderr, new RegExp(`App '${app}:1.0' was installed`));
  assert.deepEqual(await installed(), [`${app}:1.0`]);
  const [line] = await scriptLog();
  assert.equal(line, `install install ${app} 1.0 ${app} ${app}:1.0 old= new= cwd=${join(home, 'apps', '0', 'meta')}`);
  assert.deepEqual((await readdir(join(home, 'apps', '0', 'meta'))).sort(), ['DESCRIPTION', 'install', 'uninstall']);
  const again = await run(['install', `${app}:1.0`]);
  assert.equal(again.code, 0, 'installing what is installed is not an error (see idempotent.test.ts)');
  assert.match(again.stderr, /already installed/);
});

test('the family rule refuses before any change; a refused install leaves no trace', async () => {
  await reset();
  await run(['install', `${app}:1.0`]);
  const stateBefore = await readFile(join(home, 'state.json'), 'utf8');
  for (const [arg, why] of [
    [`${app}:2.0`, /family '.*', of which .*:1\.0 is installed[\s\S]*dam upgrade/],
    [`${rival}:1.0`, /family/],
  ] as const) {
    const out = await run(['install', arg]);
    assert.equal(out.code, 1, arg);
    assert.match(out.stderr, why);
  }
  const noScripts = await run(['install', `${app}-nouninst:1.0`]);
  assert.equal(noScripts.code, 1);
  assert.match(noScripts.stderr, /no \/meta\/uninstall script/);
  assert.equal(await readFile(join(home, 'state.json'), 'utf8'), stateBefore);
  assert.deepEqual(await netInstalls(), { [`${app}:1.0`]: 1 });
  assert.deepEqual(await readdir(join(home, 'journal')), []);
});

test('a failing install script is rolled back: its uninstall runs and the state is as before', async () => {
  await reset();
  const out = await run(['install', `${app}:3.0`]);
  assert.equal(out.code, 1);
  assert.match(out.stderr, /exited with code 3[\s\S]*the new version refuses/);
  assert.deepEqual(await installed(), []);
  assert.deepEqual(await scriptLog().then((l) => l.map((x) => x.split(' ').slice(0, 2).join(' '))), [
    'install install',
    'uninstall install',
  ]);
  assert.deepEqual(await readdir(join(home, 'apps')).catch(() => []), []);
});

test('a hanging script is killed at --timeout, with its process group, and rolled back', async () => {
  await reset();
  const started = Date.now();
  const out = await run(['install', `${app}-hang:6.0`, '--timeout', '1']);
  assert.equal(out.code, 1);
  assert.ok(Date.now() - started < 20_000);
  assert.match(out.stderr, /timed out|timeout/i);
  assert.deepEqual(await installed(), []);
});

test('upgrade runs the old uninstall and the new install with DAM_ACTION=upgrade', async () => {
  await reset();
  await run(['install', `${app}:1.0`]);
  const out = await run(['upgrade', `${app}:2.0`]);
  assert.equal(out.code, 0, out.stderr);
  assert.deepEqual(await installed(), [`${app}:2.0`]);
  const log = await scriptLog();
  assert.match(log[1] ?? '', new RegExp(`^uninstall upgrade ${app} 1\\.0 .* old=1\\.0 new=2\\.0`));
  assert.match(log[2] ?? '', new RegExp(`^install upgrade ${app} 2\\.0 .* old=1\\.0 new=2\\.0`));
});

test('a failed upgrade installs the old version again and says so', async () => {
  await reset();
  await run(['install', `${app}:2.0`]);
  const out = await run(['upgrade', `${app}:3.0`]);
  assert.equal(out.code, 1);
  assert.match(out.stderr, new RegExp(`rolled back: ${app}:2\\.0 is installed again`));
  assert.deepEqual(await installed(), [`${app}:2.0`]);
  assert.deepEqual(await netInstalls(), { [`${app}:2.0`]: 1 });
});

test('remove runs uninstall from the kept meta; --force forgets an app whose uninstall fails', async () => {
  await reset();
  await run(['install', `${app}:1.0`]);
  const out = await run(['rm', app]);
  assert.equal(out.code, 0, out.stderr);
  assert.deepEqual(await installed(), []);
  assert.ok(await testEngine().inspectImage(`${app}:1.0`), 'the image stays for purge');

  await run(['install', `${app}-baduninst:5.0`]);
  const failing = await run(['remove', `${app}-baduninst:5.0`]);
  assert.equal(failing.code, 1);
  assert.deepEqual(await installed(), [`${app}-baduninst:5.0`], 'still installed after a failing uninstall');
  const forced = await run(['remove', `${app}-baduninst:5.0`, '--force']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stderr, /forced/);
  assert.deepEqual(await installed(), []);
});

const INSTALL_STEPS = ['after-begin', 'before-install-script', 'after-install-script', 'before-commit', 'after-commit'];
const UPGRADE_STEPS = [
  'before-old-uninstall',
  'after-old-uninstall',
  'before-install-script',
  'after-install-script',
  'before-commit',
  'after-commit',
];
const REMOVE_STEPS = ['before-uninstall-script', 'after-uninstall-script', 'before-commit', 'after-commit'];

async function killedThenRecovered(args: string[], step: string, recoverWith = ['recover']): Promise<void> {
  const killed = await run(args, { DAM_FAULT_KILL_AT: step });
  assert.equal(killed.signal, 'SIGKILL', `${args.join(' ')} at ${step}: ${killed.stderr}`);
  const doctor = await run(['list']);
  assert.match(doctor.stderr, /interrupted|unfinished/i, 'list says an operation is unfinished');
  const recovered = await run(recoverWith);
  assert.equal(recovered.code, 0, recovered.stderr);
  assert.deepEqual(await readdir(join(home, 'journal')), [], 'no journal left');
}

test('install killed with SIGKILL at every step is finished or rolled back', async () => {
  for (const step of INSTALL_STEPS) {
    await reset();
    await killedThenRecovered(['install', `${app}:1.0`], step);
    const apps = await installed();
    const net = await netInstalls();
    if (step === 'after-commit') assert.deepEqual(apps, [`${app}:1.0`], step);
    else assert.deepEqual(apps, [], step);
    assert.deepEqual(net, apps.length ? { [`${app}:1.0`]: 1 } : {}, `${step}: scripts balanced with the state`);
  }
});

test('upgrade killed with SIGKILL at every step leaves exactly one version installed', async () => {
  for (const step of UPGRADE_STEPS) {
    await reset();
    await run(['install', `${app}:1.0`]);
    await killedThenRecovered(['upgrade', `${app}:2.0`], step);
    const apps = await installed();
    assert.deepEqual(apps, [step === 'after-commit' ? `${app}:2.0` : `${app}:1.0`], step);
    assert.deepEqual(await netInstalls(), { [apps[0] ?? '']: 1 }, `${step}: scripts balanced with the state`);
  }
});

test('remove killed with SIGKILL at every step is finished or rolled back', async () => {
  for (const step of REMOVE_STEPS) {
    await reset();
    await run(['install', `${app}:1.0`]);
    await killedThenRecovered(['remove', `${app}:1.0`], step, ['doctor', '--fix']);
    const apps = await installed();
    assert.deepEqual(apps, step === 'after-commit' ? [] : [`${app}:1.0`], step);
    assert.deepEqual(
      await netInstalls(),
      apps.length ? { [`${app}:1.0`]: 1 } : {},
      `${step}: scripts balanced with the state`,
    );
  }
});

/** Waits (a loaded machine may take seconds to get there) until a dam holds the lock with its journal written. */
async function lockHolderInTransaction(): Promise<{ pid: number }> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    const journals = (await readdir(join(home, 'journal')).catch(() => [])).filter((n) => n.endsWith('.json'));
    // The lock's highest generation names its holder, or says "free" (see src/adapters/store/lock.ts).
    const generations = (await readdir(join(home, 'lock')).catch(() => [])).filter((n) => /^\d+$/.test(n)).map(Number);
    if (journals.length === 0 || generations.length === 0) continue;
    const text = await readFile(join(home, 'lock', String(Math.max(...generations))), 'utf8').catch(() => 'free');
    if (text.startsWith('{')) return JSON.parse(text) as { pid: number };
  }
  throw new Error('no dam held the lock with a journal within 60 s');
}

test('a dam killed in the middle of an install script is rolled back by the next install', async () => {
  await reset();
  const child = run(['install', `${app}:4.0`]);
  const lockOwner = await lockHolderInTransaction();
  process.kill(lockOwner.pid, 'SIGKILL');
  await child;
  const next = await run(['install', `${app}:1.0`]);
  assert.equal(next.code, 0, next.stderr);
  assert.match(next.stderr, /did not finish; rolling it back/);
  assert.deepEqual(await installed(), [`${app}:1.0`]);
});

test('a damaged journal is reported, never silently dropped', async () => {
  await reset();
  await writeFile(join(home, 'journal', 'x.json'), '{"format":1,');
  const out = await run(['install', `${app}:1.0`]);
  assert.equal(out.code, 1);
  assert.match(out.stderr, /journal .*x\.json is not valid JSON/);
  await rm(join(home, 'journal', 'x.json'));
});

test('purge --dry-run lists no image this state directory did not acquire (these were built outside DAM)', async () => {
  await reset();
  await run(['install', `${app}:1.0`]);
  await run(['upgrade', `${app}:2.0`]);
  const engine = testEngine();
  const ids = async (t: string) => (await engine.inspectImage(t))?.id;
  for (const flags of [[], ['--no-keep-previous']]) {
    const out = await run(['purge', '--dry-run', '--json', ...flags]);
    assert.equal(out.code, 0, out.stderr);
    const plan = JSON.parse(out.stdout) as { remove: Array<{ id: string }>; keep: Array<{ id: string }> };
    const listed = [...plan.remove, ...plan.keep].map((i) => i.id);
    for (const tag of [`${app}:1.0`, `${app}:2.0`, `${app}:3.0`, 'dam-test-base:busybox']) {
      assert.ok(
        !listed.includes((await ids(tag)) ?? ''),
        `${tag} is not this state's to purge (see ops-purge.test.ts)`,
      );
    }
  }
  assert.ok(await engine.inspectImage(`${app}:3.0`), 'a dry run removes nothing');
});

test('Ctrl-C during an install script stops it, rolls back, and exits 130', async () => {
  await reset();
  const child = spawn(process.execPath, [DAM_BIN, '--home', home, 'install', `${app}:4.0`], {
    env: { ...process.env, NO_COLOR: '1', DAMTEST_LOG: logFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  while (!(await scriptLog()).some((l) => l.startsWith('install'))) await new Promise((r) => setTimeout(r, 100));
  child.kill('SIGINT');
  assert.equal(await closed, 130, stderr);
  assert.match(stderr, /Interrupted/);
  assert.deepEqual(await installed(), []);
  assert.deepEqual(await netInstalls(), {}, 'the install was undone by its uninstall');
  assert.deepEqual(await readdir(join(home, 'journal')), []);
});
