// Clear messages where they were wrong or bare: an install typo is reported with close names before any
// pull; a missing version lists the versions there are; a missing base image in create says how to get
// one; and every command answers a bad flag or a missing argument with exit 2 and its usage.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { dam, tempHome, uniqueName, TEST_LABEL } from './harness/dam.js';
import { engineAvailable } from './harness/engine.js';
import { buildLegacyApp } from './harness/legacy-app.js';
import { removeLabelled, tempDir, writeProject } from './harness/projects.js';
import { startPlainRegistry, type TestRegistry } from './harness/registries.js';
import { seedRegistry } from './harness/seed.js';
import { COMMANDS } from '../src/cli/commands.js';

const RUN = `messages-${randomBytes(3).toString('hex')}`;
const skip = !(await engineAvailable()) && 'no Docker engine answers';
const cleanups: Array<() => Promise<void>> = [];
let home: string;
let registry: TestRegistry;
const suffix = randomBytes(4).toString('hex');
const local = `damtest-web-${suffix}`;
const remote = `damtest-catalog-${suffix}`;

before(async () => {
  const h = await tempHome();
  home = h.home;
  cleanups.push(h.cleanup);
  if (skip) return;
  await buildLegacyApp({ tag: `${local}:1.0`, labels: { DAM_APP_FAMILY: 'web' }, testLabel: RUN });
  registry = await startPlainRegistry();
  cleanups.push(() => registry.stop());
  await seedRegistry(registry, { names: [remote], tags: ['1.0', '1.1'], labels: { DAM_APP_FAMILY: 'catalog' } });
});

after(async () => {
  if (!skip) await removeLabelled(RUN);
  for (const c of cleanups.reverse()) await c();
});

test(
  'install with a typo: not in the cache nor the repo, close names from the local images, and no pull',
  { skip },
  async () => {
    const out = await dam(['install', `damtest-wbe-${suffix}:1.0`], { home });
    assert.equal(out.code, 1, out.stderr);
    assert.match(out.stderr, new RegExp(`The app 'damtest-wbe-${suffix}:1\\.0' .*is not in the local Docker cache`));
    assert.match(out.stderr, new RegExp(`Did you mean: ${local}:1\\.0`));
    assert.doesNotMatch(out.stderr, /Pulling/);
  },
);

test(
  "install from a repo: a typo gets the repo's close names; a missing version lists the versions",
  { skip },
  async () => {
    const h = await tempHome();
    cleanups.push(h.cleanup);
    assert.equal(
      (await dam(['addrepo', '--name', 'lab', '--server', registry.host, '--default'], { home: h.home })).code,
      0,
    );
    const typo = await dam(['install', `damtest-catalgo-${suffix}:1.0`], { home: h.home });
    assert.equal(typo.code, 1, typo.stderr);
    assert.match(typo.stderr, /nor in repository 'lab'/);
    assert.match(typo.stderr, new RegExp(`Did you mean: ${remote} \\(in 'lab'\\)`));
    assert.doesNotMatch(typo.stderr, /Pulling/);
    const version = await dam(['install', `${remote}:9.9`], { home: h.home });
    assert.equal(version.code, 1);
    assert.match(version.stderr, new RegExp(`Repository 'lab' has the app '${remote}' but not the version '9\\.9'`));
    assert.match(version.stderr, /Versions there: 1\.(0|1), 1\.(0|1)/);
  },
);

test('create with a base image that is not here says so and how to get one', { skip }, async () => {
  const { dir, cleanup } = await tempDir('nobase');
  cleanups.push(cleanup);
  const base = uniqueName('nobase');
  const project = await writeProject(dir, 'p', {
    Dockerfile: `ARG BASE=${base}:1\nFROM \${BASE}\nCOPY meta /meta\n`,
    'meta/install': { text: '#!/bin/sh\n', mode: 0o755 },
    'meta/uninstall': { text: '#!/bin/sh\n', mode: 0o755 },
  });
  const out = await dam(
    ['create', project, '--name', uniqueName('app'), '--version', '1', '--label', `${TEST_LABEL}=${RUN}`],
    { home },
  );
  assert.equal(out.code, 1);
  assert.match(
    out.stderr,
    new RegExp(`The base image '${base}:1' \\(FROM in the Dockerfile\\) is not in the local Docker cache`),
  );
  assert.match(out.stderr, /docker load -i/);
  assert.match(out.stderr, new RegExp(`docker pull ${base}:1`));
});

test('export --all without a file shows its usage and exits 2', async () => {
  const out = await dam(['export', '--all'], { home });
  assert.equal(out.code, 2);
  assert.match(out.stderr, /missing required argument 'file'/);
  assert.match(out.stderr, /usage: dam export \[options\] <file>/);
});

test('modifyrepo takes a name as the other repo commands do', async () => {
  const h = await tempHome();
  cleanups.push(h.cleanup);
  assert.equal((await dam(['addrepo', '--name', 'corp', '--server', '127.0.0.1:5999'], { home: h.home })).code, 0);
  const out = await dam(['modifyrepo', 'corp', '--insecure', '--json'], { home: h.home });
  assert.equal(out.code, 0, out.stderr);
  assert.deepEqual([JSON.parse(out.stdout).name, JSON.parse(out.stdout).insecure], ['corp', true]);
  const missing = await dam(['modifyrepo', 'nosuch', '--default'], { home: h.home });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /No repository has the id or name 'nosuch'/);
});

test('every command: a bad flag and a missing argument exit 2 with a message and the usage', async () => {
  for (const spec of COMMANDS) {
    for (const name of [spec.name, ...(spec.aliases ?? [])]) {
      const bad = await dam([name, '--no-such-flag'], { home });
      assert.equal(bad.code, 2, `${name} --no-such-flag: ${bad.stderr}`);
      assert.match(bad.stderr, /unknown option '--no-such-flag'/, name);
      assert.match(bad.stderr, new RegExp(`usage: dam ${spec.name} `), name);
    }
    // Only commands with a required argument: running the others with none would do their work.
    if (!spec.args?.startsWith('<')) continue;
    const missing = await dam([spec.name], { home });
    assert.equal(missing.code, 2, `${spec.name} without arguments: ${missing.stderr}`);
    assert.match(missing.stderr, /missing required argument/, spec.name);
  }
  const unknown = await dam(['nosuchcommand'], { home });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command 'nosuchcommand'/);
});
