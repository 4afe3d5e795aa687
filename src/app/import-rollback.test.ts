// Import's one transaction, failure by failure, on the in-memory host (src/app/fakes): a product that
// removes one app, upgrades another and installs a third. Whichever step fails, every app comes back as it
// was. The same under SIGKILL is test/import.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planImport } from '../core/import-plan.js';
import { PRODUCT_FORMAT, type Product } from '../core/product.js';
import { applyImport, type ImportDeps, type PreparedImport } from './import.js';
import { install } from './install.js';
import { fakeWorld, REGISTRY, type FakeWorld } from './fakes/fake-world.js';

async function host(
  failing: { cacheInstall?: string } = {},
): Promise<{ w: FakeWorld; deps: ImportDeps; prepared: PreparedImport }> {
  const w = fakeWorld();
  await install(w.deps, w.publish('web', '1.0'));
  await install(w.deps, w.publish('db', '1.0'));
  const product: Product = {
    format: PRODUCT_FORMAT,
    apps: [
      { name: 'web', version: '2.0', tag: w.publish('web', '2.0', { servers: 'mirror.test:5000' }) },
      { name: 'cache', version: '1.0', tag: w.publish('cache', '1.0', { install: failing.cacheInstall ?? 'exit 0' }) },
    ],
  };
  const deps: ImportDeps = {
    ...w.deps,
    bundles: {
      open: async () => undefined,
      load: () => Promise.reject(new Error('no bundles here')),
    } as unknown as ImportDeps['bundles'],
    missingLayers: async () => [],
    engineFreeBytes: async () => undefined,
    metaContent: async () => ({}),
  };
  const prepared = {
    source: { path: 'list.json', product },
    plan: planImport(w.store.state, product, { restore: false, exact: true }),
    restore: false,
    exact: true,
  };
  return { w, deps, prepared };
}

test('import: with no failure, db is removed, web upgraded and cache installed in one commit', async () => {
  const { w, deps, prepared } = await host();
  const result = await applyImport(deps, prepared);
  assert.deepEqual([result.plan.remove.length, result.plan.upgrade.length, result.plan.install.length], [1, 1, 1]);
  assert.deepEqual(w.store.state.apps.map((a) => `${a.name}:${a.version}`).sort(), ['cache:1.0', 'web:2.0']);
  assert.deepEqual(w.journals.saved.size, 0);
});

const failures: Array<{
  name: string;
  step?: string;
  arrange?: (w: FakeWorld) => void;
  cacheInstall?: string;
  error: RegExp;
}> = [
  ...[
    'before-uninstall-script',
    'after-uninstall-script',
    'before-old-uninstall',
    'after-old-uninstall',
    'before-install-script',
    'after-install-script',
    'before-commit',
  ].map((step) => ({ name: `a failure at ${step}`, step, error: new RegExp(step) })),
  {
    name: 'the install script of cache failing',
    cacheInstall: 'exit 8',
    error: /Import stopped at cache:1.0 \(install\).*exited with code 8/,
  },
  {
    name: 'the uninstall script of db failing',
    arrange: (w) => w.fs.write('/fake/state/apps/1/meta/uninstall', 'exit 9'),
    error: /Import stopped at db:1.0 \(uninstall\).*exited with code 9/,
  },
  {
    name: 'the pull of cache failing',
    arrange: (w) => w.engine.registry.delete(`${REGISTRY}/cache:1.0`),
    error: /Import stopped at cache:1.0 \(check\)/,
  },
];

for (const failure of failures) {
  test(`import: ${failure.name} leaves every app, the engine and the journals as before`, async () => {
    const { w, deps, prepared } = await host(failure.cacheInstall ? { cacheInstall: failure.cacheInstall } : {});
    failure.arrange?.(w);
    const before = w.snapshot();
    w.failAt = failure.step;
    await assert.rejects(applyImport(deps, prepared), (e) => e instanceof Error && failure.error.test(e.message));
    assert.equal(w.snapshot(), before);
  });
}
