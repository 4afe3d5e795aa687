// The release's code in two bundles (scripts/release-bundle.mjs, docs/decisions/0022-split-release-bundle.md),
// built here as the release builds them and run with this machine's Node outside a single executable (the
// loader then reads the later bundle from the file beside dam.cjs). The executables are tested in
// test/release.test.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './harness/dam.js';
import { LATER, bundleRelease } from '../scripts/release-bundle.mjs';

let dir: string;
let built: Awaited<ReturnType<typeof bundleRelease>>;
let mainCode: string;
let laterCode: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dam-split-'));
  built = await bundleRelease({ root: ROOT, entry: join(ROOT, 'src/main.ts'), dir, version: '9.9.9-split' });
  mainCode = await readFile(built.main, 'utf8');
  laterCode = await readFile(built.later, 'utf8');
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function dam(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [built.main, '--home', join(dir, 'home'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the main bundle holds list but not the other commands, which the later bundle holds', () => {
  const doctor = 'was stopped part-way';
  const list = 'No installed app belongs to the product';
  assert.ok(mainCode.includes(list), 'list is in the main bundle');
  assert.ok(!laterCode.includes(list), 'list is not in the later bundle');
  assert.ok(laterCode.includes(doctor), 'doctor is in the later bundle');
  assert.ok(!mainCode.includes(doctor), 'doctor is not in the main bundle');
  for (const id of ['src/commands/doctor.ts', 'src/commands/install.ts', 'src/adapters/docker/engine.ts'])
    assert.ok(built.laterModules.includes(id), `${id} loads from the later bundle`);
  assert.ok(mainCode.length < laterCode.length, `main ${mainCode.length} bytes, later ${laterCode.length}`);
});

test('a module both bundles use is in the main bundle only', () => {
  assert.ok(built.shared.includes('src/core/errors.ts'), built.shared.join(' '));
  const definition = 'DamError=class extends Error';
  assert.ok(mainCode.includes(definition), 'the main bundle defines DamError');
  assert.ok(!laterCode.includes(definition), 'the later bundle does not define DamError again');
  // The Node modules of both are loaded at first use (scripts/lazy-builtins.mjs).
  for (const name of ['crypto', 'zlib', 'child_process']) {
    assert.ok(!laterCode.includes(`require("node:${name}")`), `the later bundle loads ${name} at first use`);
    assert.ok(laterCode.includes(`__damLazy("node:${name}")`), `the later bundle uses ${name}`);
  }
});

test('a DamError thrown in the later bundle is the main bundle DamError: its code and exit status stay', () => {
  const missing = dam('info', join(dir, 'no-such.dam'), '--json');
  assert.equal(missing.code, 1, missing.stderr);
  const { error } = JSON.parse(missing.stdout) as { error: { code: string; message: string } };
  assert.equal(error.code, 'NOT_FOUND', error.message);
  const usage = dam('history', '--last', 'x');
  assert.equal(usage.code, 2, usage.stderr);
  assert.match(usage.stderr, /--last takes a positive whole number, not 'x'/);
  assert.doesNotMatch(usage.stderr, /Internal error/);
});

test('--version, --help and list run without the later bundle; the other commands load it', async () => {
  const listrepos = dam('listrepos', '--json');
  assert.equal(listrepos.code, 0, listrepos.stderr);
  await rename(built.later, `${built.later}.away`);
  try {
    const version = dam('--version');
    assert.equal(version.code, 0, version.stderr);
    assert.match(version.stdout, /^9\.9\.9-split \(node /);
    const help = dam('--help');
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /Usage: dam/);
    const list = dam('list', '--json');
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(JSON.parse(list.stdout), []);
    const without = dam('listrepos');
    assert.equal(without.code, 1);
    assert.match(without.stderr, new RegExp(`ENOENT.*${LATER.replace('.', '\\.')}`));
  } finally {
    await rename(`${built.later}.away`, built.later);
  }
});
