// Two rules that once had two homes and gave two answers: the /meta layer merge (`dam info` of a registry
// image whose upper layer makes a folder of /meta opaque) and reference -> repo resolution (a repo whose
// server has a path: install and info must both pick it, with its credentials). Real registries and engine.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { dam, tempHome, uniqueName, TEST_LABEL, type DamResult } from './harness/dam.js';
import { buildTestApp, removeTestImages } from './harness/apps.js';
import { engineAvailable, testEngine } from './harness/engine.js';
import { imageManifest, makeLayer, push, putManifest } from './harness/oci-images.js';
import { startPlainRegistry, startTlsRegistry, type TestRegistry } from './harness/registries.js';

const skip = !(await engineAvailable()) && 'no Docker engine answers';
const app = uniqueName('rule');
let plain: TestRegistry;
let tls: TestRegistry;
let home: string;
const cleanups: Array<() => Promise<void>> = [];

before(async () => {
  const h = await tempHome();
  home = h.home;
  cleanups.push(h.cleanup);
  if (skip) return;
  [plain, tls] = await Promise.all([startPlainRegistry(), startTlsRegistry()]);
  cleanups.push(
    () => plain.stop(),
    () => tls.stop(),
  );
});

after(async () => {
  if (!skip) await removeTestImages([app, `${tls.host}/team/${app}`]);
  for (const c of cleanups.reverse()) await c();
});

const run = (args: string[], input?: string): Promise<DamResult> =>
  dam(args, { home, input, env: { DAMTEST_LOG: '/dev/null' } });
const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

test(
  "info of a registry image whose upper layer makes meta/www opaque lists the lower layer's scripts too",
  { skip },
  async () => {
    const lower = await makeLayer([
      { name: 'meta/', type: 'directory' },
      { name: 'meta/install', mode: 0o755, data: '#!/bin/sh\n' },
      { name: 'meta/uninstall', mode: 0o755, data: '#!/bin/sh\n' },
      { name: 'meta/www/', type: 'directory' },
      { name: 'meta/www/a', data: 'hidden by the opaque folder above\n' },
    ]);
    const upper = await makeLayer([
      { name: 'meta/www/', type: 'directory' },
      { name: 'meta/www/.wh..wh..opq', data: '' },
      { name: 'meta/www/b', data: 'b\n' },
    ]);
    const layers = [lower, upper];
    const config = JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: {
        Labels: { DAM_APP_FAMILY: app, DAM_APP_MULTIVERSION: 'false', DAM_APP_SERVERS: ',', [TEST_LABEL]: 'rules' },
      },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    });
    for (const l of layers) await push(plain.url, app, l.digest, l.gz);
    await push(plain.url, app, sha(config), Buffer.from(config));
    const manifest = imageManifest(
      config,
      layers.map((l) => ({ digest: l.digest, size: l.gz.length })),
    );
    await putManifest(plain.url, app, '1.0', 'application/vnd.oci.image.manifest.v1+json', manifest);

    const out = await run(['info', `${plain.host}/${app}:1.0`, '--json']);
    assert.equal(out.code, 0, out.stderr);
    const info = JSON.parse(out.stdout) as { source: string; meta: Array<{ path: string; type: string }> };
    assert.equal(info.source, 'registry');
    assert.deepEqual(
      info.meta.map((e) => `${e.type}:${e.path}`),
      ['file:install', 'file:uninstall', 'directory:www', 'file:www/b'],
    );
  },
);

test(
  "a reference under a repo's server path is that repo's, with its credentials, on install and on info",
  { skip },
  async () => {
    const engine = testEngine();
    const remote = `${tls.host}/team/${app}:1.0`;
    const local = await buildTestApp({ name: app, version: '1.0' });
    await engine.tagImage(local, remote);
    await engine.push(remote, {
      auth: { serveraddress: tls.host, username: tls.username ?? '', password: tls.password ?? '' },
    });
    await engine.removeImage(remote);
    await engine.removeImage(local);

    const add = await run(
      [
        'addrepo',
        '--name',
        'corp',
        '--server',
        `${tls.host}/team`,
        '--username',
        tls.username ?? '',
        '--password-stdin',
      ],
      tls.password,
    );
    assert.equal(add.code, 0, add.stderr);
    const info = await run(['info', remote, '--json']);
    assert.equal(info.code, 0, info.stderr);
    assert.equal(JSON.parse(info.stdout).repository, 'corp');

    const out = await run(['install', remote]);
    assert.equal(out.code, 0, out.stderr);
    assert.doesNotMatch(out.stderr, /auto0/);
    const repos = JSON.parse((await run(['listrepos', '--json'])).stdout) as Array<{ name: string }>;
    assert.deepEqual(repos.map((r) => r.name).sort(), ['corp', 'official']);
    const list = JSON.parse((await run(['list', '--json'])).stdout) as Array<{ tag: string; repo: string }>;
    assert.deepEqual(
      list.map((a) => [a.tag, a.repo]),
      [[remote, 'corp']],
    );
    assert.equal((await run(['remove', app])).code, 0);
  },
);
