// Rollback, step by step and failure by failure, on the in-memory host (src/app/fakes): whichever step of an
// install, upgrade or remove fails, the engine's images and tags, DAM's state, the host's files and the
// journals are as they were before. The same steps under SIGKILL are test/lifecycle.test.ts's crash tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DamError } from '../core/errors.js';
import { install } from './install.js';
import { upgrade } from './upgrade.js';
import { remove } from './remove.js';
import { recover } from './recover.js';
import { fakeWorld, REGISTRY, type FakeWorld, type PublishOptions } from './fakes/fake-world.js';

interface Failure {
  name: string;
  /** A fault point that throws (steps.ts, acquire.ts, install.ts). */
  step?: string;
  /** Or a change to the world that makes one step fail. */
  arrange?: (w: FakeWorld) => void;
  /** What the host holds before the operation (beyond the table's own start). */
  setup?: (w: FakeWorld) => Promise<unknown>;
  /** How the next version is published. */
  next?: PublishOptions;
  error?: RegExp;
}

const fault = (step: string): Failure => ({
  name: `a failure at ${step}`,
  step,
  error: new RegExp(`fault injected at ${step}`),
});
const engineFails = (method: 'pull' | 'tagImage' | 'inspectImage', next?: PublishOptions): Failure => ({
  name: `the engine failing to ${method}`,
  arrange: (w) => w.engine.failNext.set(method, new DamError('ENGINE_ERROR', `${method} broke`)),
  ...(next ? { next } : {}),
  error: new RegExp(`${method} broke`),
});

async function expectUnchanged(w: FakeWorld, failure: Failure, action: () => Promise<unknown>): Promise<void> {
  const before = w.snapshot();
  w.failAt = failure.step;
  failure.arrange?.(w);
  await assert.rejects(action(), (e) => e instanceof Error && (failure.error ?? /./).test(e.message));
  w.failAt = undefined;
  assert.equal(w.snapshot(), before, `${failure.name} left the host changed`);
}

const installFailures: Failure[] = [
  fault('after-begin'),
  fault('before-install-script'),
  fault('after-install-script'),
  fault('before-commit'),
  engineFails('pull'),
  engineFails('tagImage', { servers: 'mirror.test:5000' }),
  { name: 'the install script failing', next: { install: 'exit 4' }, error: /exited with code 4/ },
  {
    name: 'an image without /meta',
    arrange: (w) => w.engine.registry.set(`${REGISTRY}/web:2.0`, { id: `sha256:${'f'.repeat(64)}`, labels: {} }),
    error: /has no \/meta/,
  },
  {
    name: 'a rival of the same family',
    setup: (w) => install(w.deps, w.publish('site', '1', { family: 'web' })),
    error: /family 'web'/,
  },
];

for (const failure of installFailures) {
  test(`install: ${failure.name} leaves engine, state, files and journals as before`, async () => {
    const w = fakeWorld();
    await install(w.deps, w.publish('db', '1.0'));
    // A second tag (DAM_APP_SERVERS), so that undoing tags matters as well as removing the image.
    const tag = w.publish('web', '2.0', { servers: 'mirror.test:5000', ...failure.next });
    await failure.setup?.(w);
    await expectUnchanged(w, failure, () => install(w.deps, tag));
  });
}

test('install: with no failure, the app is recorded, its meta kept and its install script run once', async () => {
  const w = fakeWorld();
  const { app } = await install(w.deps, w.publish('web', '2.0', { servers: 'mirror.test:5000' }));
  assert.deepEqual(
    w.store.state.apps.map((a) => `${a.name}:${a.version}`),
    ['web:2.0'],
  );
  assert.equal(await w.fs.isFile(`/fake/state/apps/${app.id}/meta/uninstall`), true);
  assert.deepEqual(
    w.scripts.runs.map((r) => r.script),
    ['install'],
  );
  assert.ok(w.engine.tags.has('mirror.test:5000/web:2.0'));
  assert.deepEqual([...w.journals.saved.keys()], []);
});

test('install: a failure after the commit keeps the result, and recovery finishes it without undoing anything', async () => {
  const w = fakeWorld();
  w.failAt = 'after-commit';
  await assert.rejects(install(w.deps, w.publish('web', '2.0')), /after-commit/);
  w.failAt = undefined;
  assert.deepEqual(
    w.store.state.apps.map((a) => a.name),
    ['web'],
  );
  assert.equal(w.journals.saved.size, 1);
  const [report] = await recover(w.deps);
  assert.equal(report?.outcome, 'finished');
  assert.deepEqual([w.store.state.apps.length, w.journals.saved.size, w.scripts.runs.length], [1, 0, 1]);
});

const upgradeFailures: Failure[] = [
  fault('before-old-uninstall'),
  fault('after-old-uninstall'),
  fault('before-install-script'),
  fault('after-install-script'),
  fault('before-commit'),
  engineFails('pull'),
  engineFails('tagImage', { servers: 'mirror.test:5000' }),
  {
    name: 'the new install script failing',
    next: { install: 'exit 5' },
    error: /exited with code 5[\s\S]*rolled back: web:1.0 is installed again/,
  },
  {
    name: 'the old uninstall script failing',
    arrange: (w) => w.fs.write('/fake/state/apps/0/meta/uninstall', 'exit 6'),
    error: /exited with code 6/,
  },
];

for (const failure of upgradeFailures) {
  test(`upgrade: ${failure.name} leaves engine, state, files and journals as before`, async () => {
    const w = fakeWorld();
    await install(w.deps, w.publish('web', '1.0'));
    const next = w.publish('web', '2.0', { servers: 'mirror.test:5000', ...failure.next });
    await expectUnchanged(w, failure, () => upgrade(w.deps, next));
  });
}

test('upgrade: a failure after the old uninstall ran puts the old version back by running its install again', async () => {
  const w = fakeWorld();
  await install(w.deps, w.publish('web', '1.0'));
  w.failAt = 'after-install-script';
  await assert.rejects(upgrade(w.deps, w.publish('web', '2.0')));
  const runs = w.scripts.runs.map((r) => `${r.script} ${r.app.version} ${r.app.action}`);
  // Install 1.0; upgrade: uninstall 1.0, install 2.0; rollback, last first: uninstall 2.0, install 1.0.
  assert.deepEqual(runs, [
    'install 1.0 install',
    'uninstall 1.0 upgrade',
    'install 2.0 upgrade',
    'uninstall 2.0 upgrade',
    'install 1.0 upgrade',
  ]);
});

const removeFailures: Failure[] = [
  fault('before-uninstall-script'),
  fault('after-uninstall-script'),
  fault('before-commit'),
  {
    name: 'the uninstall script failing',
    arrange: (w) => w.fs.write('/fake/state/apps/0/meta/uninstall', 'exit 7'),
    error: /exited with code 7/,
  },
];

for (const failure of removeFailures) {
  test(`remove: ${failure.name} leaves engine, state, files and journals as before`, async () => {
    const w = fakeWorld();
    await install(w.deps, w.publish('web', '1.0'));
    await expectUnchanged(w, failure, () => remove(w.deps, 'web', false));
  });
}

test('remove: --force forgets the app although its uninstall failed, and keeps the image', async () => {
  const w = fakeWorld();
  await install(w.deps, w.publish('web', '1.0'));
  w.fs.write('/fake/state/apps/0/meta/uninstall', 'exit 7');
  const result = await remove(w.deps, 'web', true);
  assert.match(result.forcedAfter ?? '', /exited with code 7/);
  assert.deepEqual([w.store.state.apps, w.fs.snapshot(), w.engine.tags.has(`${REGISTRY}/web:1.0`)], [[], [], true]);
});

test('a journal a killed operation left is rolled back before the next operation, which then runs', async () => {
  const w = fakeWorld();
  await install(w.deps, w.publish('db', '1.0'));
  // What a SIGKILL after a tag leaves: the effect journaled and made, the journal never closed.
  const killed = await w.journals.begin('install', 'install x');
  await killed.intend({ kind: 'tag', ref: 'stray.test/x:1', target: '', previous: null });
  await w.engine.tagImage(`${REGISTRY}/db:1.0`, 'stray.test/x:1');
  await install(w.deps, w.publish('web', '1.0'));
  assert.deepEqual(
    [w.journals.saved.size, w.engine.tags.has('stray.test/x:1'), w.store.state.apps.map((a) => a.name)],
    [0, false, ['db', 'web']],
  );
});
