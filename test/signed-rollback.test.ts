// Rollback protection through bin/dam: `dam upgrade FILE` records the accepted sequence as install does, and
// an app a newer signed release installed cannot be taken back by an older file signed under another name
// (a `.dam` signed under the app's name after a bundle signed under the product's), unless --allow-downgrade,
// which the journal keeps.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dam, tempHome, uniqueName, type DamResult } from './harness/dam.js';
import { buildTestApp, removeTestImages } from './harness/apps.js';
import { testEngine } from './harness/engine.js';

const app = uniqueName('roll');
const engine = testEngine();
let dir: string;
let signer: { home: string; cleanup: () => Promise<void> };
let host: { home: string; cleanup: () => Promise<void> };
const files: Record<string, string> = {};

const as = (home: string, args: string[], env: Record<string, string> = {}): Promise<DamResult> =>
  dam(args, { home, cwd: dir, env: { DAMTEST_LOG: '/dev/null', ...env } });
const onHost = (...args: string[]) => as(host.home, args);
const ok = (r: DamResult, what: string) => assert.equal(r.code, 0, `${what}: ${r.stderr}`);

async function signed(source: string, name: string, extra: string[]): Promise<string> {
  const out = join(dir, name);
  await copyFile(source, out);
  ok(await as(signer.home, ['sign', 'vendor', out, ...extra]), `sign ${name}`);
  return out;
}

async function installed(): Promise<string[]> {
  const list = JSON.parse((await onHost('list', '--json')).stdout) as Array<{ name: string; version: string }>;
  return list.map((a) => `${a.name}:${a.version}`);
}

async function clearHost(): Promise<void> {
  for (const entry of await installed()) ok(await onHost('remove', entry.split(':')[0] ?? ''), 'remove');
  for (const v of ['1.0', '2.0', '3.0'])
    await engine.removeImage(`${app}:${v}`, { force: true }).catch(() => undefined);
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'damtest-rollback-'));
  signer = await tempHome();
  host = await tempHome();
  for (const v of ['1.0', '2.0', '3.0']) await buildTestApp({ name: app, version: v });
  ok(await as(signer.home, ['key', 'generate', 'vendor']), 'key generate');
  await writeFile(join(dir, 'vendor.pub'), (await as(signer.home, ['key', 'export-public', 'vendor'])).stdout);
  for (const v of ['1.0', '2.0', '3.0'])
    ok(await as(signer.home, ['save', `${app}:${v}`, '-o', join(dir, `v${v}.dam`)]), `save ${v}`);
  // Signed in this order: the 1.0 .dam (under the app's name) before the bundle of 3.0 (under 'plant').
  files.old = await signed(join(dir, 'v1.0.dam'), 'old-1.0.dam', []);
  ok(await as(signer.home, ['install', `${app}:3.0`]), 'signer install 3.0');
  files.bundle = join(dir, 'plant.bundle');
  ok(
    await as(signer.home, [
      'export',
      '--all',
      '--name',
      'plant',
      '--sign',
      'vendor',
      '--compress',
      'none',
      files.bundle,
    ]),
    'export --sign',
  );
  files.seq5 = await signed(join(dir, 'v1.0.dam'), 'seq5-1.0.dam', ['--sequence', '5']);
  files.seq1 = await signed(join(dir, 'v1.0.dam'), 'seq1-1.0.dam', ['--sequence', '1']);
  files.seq10 = await signed(join(dir, 'v2.0.dam'), 'seq10-2.0.dam', ['--sequence', '10']);
  await clearHost();
});

/** Each test on its own host state, trusting the vendor's key. */
async function freshHost(): Promise<void> {
  await host.cleanup();
  host = await tempHome();
  ok(await onHost('trust', 'add', join(dir, 'vendor.pub')), 'trust add');
}

after(async () => {
  await removeTestImages([app]);
  await rm(dir, { recursive: true, force: true });
  await signer.cleanup();
  await host.cleanup();
});

test('dam upgrade FILE records the accepted sequence: the older release is refused afterwards', async () => {
  await freshHost();
  ok(await onHost('install', files.seq1 ?? ''), 'install seq 1');
  ok(await onHost('upgrade', files.seq10 ?? ''), 'upgrade to seq 10');
  const trust = JSON.parse((await onHost('trust', 'list', '--json')).stdout) as {
    accepted: Array<{ product: string; sequence: number }>;
  };
  assert.deepEqual(
    trust.accepted.map((a) => [a.product, a.sequence]),
    [[app, 10]],
  );
  const out = await onHost('upgrade', files.seq5 ?? '');
  assert.equal(out.code, 1, out.stderr);
  assert.match(out.stderr, /Refused \(rollback\).*sequence 5, older than sequence 10/);
  assert.doesNotMatch(out.stderr, /\n\s+at /);
  assert.deepEqual(await installed(), [`${app}:2.0`]);
  await clearHost();
});

test('an app a newer signed bundle installed is not taken back by an older .dam signed under the app name', async () => {
  await freshHost();
  ok(await onHost('import', files.bundle ?? '', '--yes'), 'import the signed bundle');
  assert.deepEqual(await installed(), [`${app}:3.0`]);
  const trust = JSON.parse((await onHost('trust', 'list', '--json')).stdout) as {
    apps: Array<{ app: string; product: string }>;
  };
  assert.deepEqual(
    trust.apps.map((a) => [a.app, a.product]),
    [[app, 'plant']],
  );
  const stateBefore = await readFile(join(host.home, 'state.json'), 'utf8');
  for (const args of [
    ['upgrade', files.old ?? ''],
    ['install', files.old ?? ''],
  ]) {
    if (args[0] === 'install') await clearHost();
    const out = await onHost(...args);
    assert.equal(out.code, 1, `${args.join(' ')}: ${out.stderr}`);
    assert.match(out.stderr, new RegExp(`Refused \\(rollback\\).*take back the app '${app}'.*'plant'`));
    assert.match(out.stderr, /--allow-downgrade/);
    if (args[0] === 'upgrade')
      assert.equal(await readFile(join(host.home, 'state.json'), 'utf8'), stateBefore, 'the state is unchanged');
  }
  assert.equal(await engine.inspectImage(`${app}:1.0`), undefined, 'the older image was not loaded');
  // Killed before its commit, the operation's journal shows the override; recover undoes it.
  const killed = await as(host.home, ['install', files.old ?? '', '--allow-downgrade'], {
    DAM_FAULT_KILL_AT: 'before-commit',
  });
  assert.equal(killed.signal, 'SIGKILL');
  const journals = (await readdir(join(host.home, 'journal'))).filter((f) => f.endsWith('.json'));
  const notes = await Promise.all(
    journals.map(
      async (f) =>
        JSON.parse(await readFile(join(host.home, 'journal', f), 'utf8')) as {
          signatures?: Array<{ override?: string; reason?: string }>;
        },
    ),
  );
  assert.ok(
    notes.some((j) => j.signatures?.some((s) => s.override === '--allow-downgrade' && s.reason === 'rollback')),
    'the journal keeps the override',
  );
  ok(await onHost('recover'), 'recover');
  const allowed = await onHost('install', files.old ?? '', '--allow-downgrade');
  ok(allowed, 'downgrade allowed');
  assert.match(allowed.stderr, /--allow-downgrade: accepting/);
  assert.deepEqual(await installed(), [`${app}:1.0`]);
  // The newer release still protects the app: the allowed downgrade did not lower it.
  const after = JSON.parse((await onHost('trust', 'list', '--json')).stdout) as {
    apps: Array<{ app: string; product: string }>;
  };
  assert.deepEqual(
    after.apps.map((a) => [a.app, a.product]),
    [[app, 'plant']],
  );
  await clearHost();
});
