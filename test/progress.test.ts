// Progress on long work, off a terminal: `export --all` in every mode, `push --bundle` and the verify pass
// of a `.dam` install print plain lines of bytes done of the total (DAM_PROGRESS_SECONDS apart), with no
// control characters for CI logs. (`import` of a bundle is checked in products.test.ts.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dam, tempHome, uniqueName, type DamResult } from './harness/dam.js';
import { buildTestApp, removeTestImages } from './harness/apps.js';
import { startPlainRegistry, type TestRegistry } from './harness/registries.js';

const name = uniqueName('prog');
const tag = `${name}:1.0`;
let home: string;
let cleanup: () => Promise<void>;
let dir: string;
let registry: TestRegistry;

before(async () => {
  ({ home, cleanup } = await tempHome());
  dir = await mkdtemp(join(tmpdir(), 'damtest-progress-'));
  registry = await startPlainRegistry();
  await buildTestApp({ name, version: '1.0', padBytes: 4_000_000 });
  ok(await run(['install', tag]));
  await writeFile(
    join(dir, 'product.json'),
    JSON.stringify({ format: 1, name: 'prog', apps: [{ name, version: '1.0', tag }] }),
  );
});

after(async () => {
  await run(['remove', name]);
  await removeTestImages([name]);
  await registry.stop();
  await rm(dir, { recursive: true, force: true });
  await cleanup();
});

const run = (args: string[], h = home): Promise<DamResult> =>
  dam(args, { home: h, cwd: dir, env: { DAMTEST_LOG: join(dir, 'scripts.log'), DAM_PROGRESS_SECONDS: '0.001' } });
const ok = (out: DamResult): DamResult => {
  assert.equal(out.code, 0, out.stderr);
  return out;
};

/** A plain progress line for `label` (bytes of a total, percent), and no control characters anywhere. */
function assertPlainProgress(stderr: string, label: RegExp): void {
  assert.match(stderr, new RegExp(`${label.source} {2}[\\d.]+ [kMG]?B / [\\d.]+ [kMG]?B {2}\\d+%`), stderr);
  assert.ok(!stderr.includes('\r') && !stderr.includes('\u001b'), 'no control characters off a terminal');
}

test('export --all from the installed apps, in each format, shows its reads of the engine', async () => {
  assertPlainProgress(ok(await run(['export', '--all', 'host.bundle'])).stderr, /Reading the images from the engine/);
  assertPlainProgress(
    ok(await run(['export', '--all', '--format', 'dam1', 'host-1x.tar'])).stderr,
    /Reading the images from the engine/,
  );
});

test('export --all --from --local shows its read of the engine, then the bundle written; push --bundle shows the bundle read', async () => {
  const local = ok(await run(['export', '--all', '--from', 'product.json', '--local', 'local.bundle']));
  assertPlainProgress(local.stderr, /Reading the images from the engine/);
  assertPlainProgress(local.stderr, /Writing \S+local\.bundle/);
  const h = await tempHome();
  try {
    ok(await run(['addrepo', '--name', 'site', '--server', registry.host], h.home));
    assertPlainProgress(
      ok(await run(['push', '--bundle', 'local.bundle', '--repo', 'site'], h.home)).stderr,
      /Pushing \S+local\.bundle/,
    );
  } finally {
    await h.cleanup();
  }
});

test('installing a .dam shows its verify pass', async () => {
  ok(await run(['save', tag, '-o', 'app.dam']));
  const h = await tempHome();
  try {
    const out = ok(await run(['install', 'app.dam'], h.home));
    assertPlainProgress(out.stderr, /Verifying \S+app\.dam/);
    ok(await run(['remove', name], h.home));
  } finally {
    await h.cleanup();
  }
});
