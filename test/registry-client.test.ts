// The registry adapter (HttpRegistry and friends) against a real registry of the harness, for what
// `dam search` does not show: manifests, image configs and blobs with digest checks, the pager's page
// size, and its loop, cap and origin protections against fault-injecting servers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createRegistries } from '../src/adapters/registry/registries.js';
import { isDamError } from '../src/core/errors.js';
import type { Registries } from '../src/core/ports/registry.js';
import type { Repo } from '../src/core/state.js';
import { startTokenRegistry, type TokenRegistry } from './harness/registries.js';
import { seedRegistry, type SeedImage } from './harness/seed.js';
import { json, startFakeServer } from './harness/fake-servers.js';
import { uniqueName } from './harness/dam.js';

let reg: TokenRegistry;
let image: SeedImage;
let registries: Registries;
const app = uniqueName('client');
const names = Array.from({ length: 7 }, (_, i) => `${app}-${i}`);
const env = { ...process.env, DOCKER_CONFIG: '/nonexistent' };

const repoFor = (host: string, extra: Partial<Repo> = {}): Repo => ({
  id: 9,
  name: 'test',
  server: host,
  isDefault: false,
  ...extra,
});

before(async () => {
  reg = await startTokenRegistry();
  image = await seedRegistry(reg, {
    names,
    tags: ['1.0', '1.1', 'latest'],
    labels: { DAM_APP_NAME: 'web', DAM_APP_VERSION: '1.0' },
  });
  registries = createRegistries(env);
});

after(async () => {
  await registries?.close();
  await reg?.stop();
});

function client(pageSize?: number) {
  return registries.registry({ repo: repoFor(reg.host, { username: reg.username }), password: reg.password, pageSize });
}

test('catalog and tags follow Link pages of the requested size', async () => {
  const before = reg.tokens.requests.length;
  for (const size of [1, 2, 3, 1000]) {
    assert.deepEqual(await client(size).catalog(), [...names].sort(), `page size ${size}`);
    assert.deepEqual((await client(size).tags(names[0] ?? '')).sort(), ['1.0', '1.1', 'latest']);
  }
  assert.ok(reg.tokens.requests.length - before <= 2, 'tokens are cached per scope across clients of one factory');
});

test('getImageConfig reads labels and platform from the config blob', async () => {
  const config = await client().getImageConfig(names[1] ?? '', '1.0');
  assert.equal(config.manifestDigest, image.manifestDigest);
  assert.equal(config.configDigest, image.configDigest);
  assert.equal(config.labels.DAM_APP_NAME, 'web');
  assert.equal(config.os, 'linux');
  assert.equal(config.architecture, 'amd64');
  assert.deepEqual(
    config.layers.map((l) => l.digest),
    [image.layerDigest],
  );
  const byDigest = await client().getManifest(names[1] ?? '', image.manifestDigest);
  assert.equal(byDigest.digest, image.manifestDigest);
});

test('openBlob streams a blob whose digest checks', async () => {
  const stream = await client().openBlob(names[2] ?? '', image.layerDigest);
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  assert.equal(`sha256:${hash.digest('hex')}`, image.layerDigest);
});

test('a missing tag or repository is NOT_FOUND naming the registry', async () => {
  await assert.rejects(
    client().getImageConfig(names[0] ?? '', 'nope'),
    (e: unknown) =>
      isDamError(e, 'NOT_FOUND') &&
      /registry 'test' \(127\.0\.0\.1:\d+\) has no manifest of '.*:nope'/.test((e as Error).message),
  );
  await assert.rejects(client().tags(`${app}-missing`), (e: unknown) => isDamError(e, 'NOT_FOUND'));
});

test('a blob whose bytes do not match its digest fails at the end of the stream', async () => {
  const digest = `sha256:${'0'.repeat(64)}`;
  const fake = await startFakeServer((req, res) => {
    if (req.url === '/v2/') return json(res, 200, {});
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end('not what was asked');
  });
  const r = createRegistries(env);
  try {
    const stream = await r.registry({ repo: repoFor(fake.host, { insecure: true }) }).openBlob('x', digest);
    await assert.rejects(
      async () => {
        for await (const _ of stream) void _;
      },
      (e: unknown) =>
        isDamError(e, 'REGISTRY_ERROR') && /sent blob sha256:0+ of 'x' with content sha256:/.test((e as Error).message),
    );
  } finally {
    await r.close();
    await fake.stop();
  }
});

test('the pager stops on a loop, on another origin and at the page cap', async () => {
  let mode: 'loop' | 'elsewhere' | 'endless' = 'loop';
  let counter = 0;
  const fake = await startFakeServer((req, res) => {
    if (req.url === '/v2/') return json(res, 200, {});
    const next =
      mode === 'loop'
        ? '/v2/_catalog?n=1000'
        : mode === 'elsewhere'
          ? 'http://127.0.0.2:1/v2/_catalog?last=a'
          : `/v2/_catalog?last=${++counter}`;
    json(res, 200, { repositories: [`r${counter}`] }, { link: `<${next}>; rel="next"` });
  });
  const r = createRegistries(env);
  try {
    const reg2 = r.registry({ repo: repoFor(fake.host, { insecure: true }) });
    await assert.rejects(reg2.catalog(), /loops back/);
    mode = 'elsewhere';
    await assert.rejects(reg2.catalog(), /next page on another server/);
    mode = 'endless';
    const { collectPages } = await import('../src/adapters/registry/pager.js');
    await assert.rejects(
      collectPages(
        new URL(`${fake.url}/x`),
        async (u) => ({ items: [], next: `/x?p=${u.searchParams.get('p') ?? 0}1`, bytes: 0 }),
        'fake',
        { maxPages: 5 },
      ),
      /more than 5 pages/,
    );
  } finally {
    await r.close();
    await fake.stop();
  }
});

test('plain HTTP is refused for a repo that is neither insecure nor on loopback', async () => {
  const r = createRegistries(env);
  try {
    // 127.0.0.1 is loopback, so only an unreachable non-loopback name shows the rule: HTTPS only.
    const reg3 = r.registry({ repo: repoFor('registry.invalid:5000'), timeoutMs: 3000 });
    await assert.rejects(
      reg3.catalog(),
      (e: unknown) =>
        isDamError(e, 'REGISTRY_ERROR') && /at https:\/\/registry\.invalid:5000/.test((e as Error).message),
    );
  } finally {
    await r.close();
  }
});

test('a manifest list (OCI index) is resolved to the requested platform, linux/amd64 by default', async () => {
  const { request } = await import('undici');
  const name = names[3] ?? '';
  const put = async (path: string, body: Buffer | string, contentType: string, method: 'PUT' | 'POST' = 'PUT') => {
    const res = await request(new URL(path, reg.url), {
      method,
      body,
      headers: { 'content-type': contentType, authorization: (await reg.authorizationFor([name])) ?? '' },
    });
    const location = res.headers.location;
    await res.body.text();
    assert.ok(res.statusCode < 300, `${method} ${path}: ${res.statusCode}`);
    return typeof location === 'string' ? location : '';
  };
  const digestOf = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
  const armConfig = Buffer.from(
    JSON.stringify({
      architecture: 'arm64',
      os: 'linux',
      config: { Labels: { arch: 'arm64' } },
      rootfs: { type: 'layers', diff_ids: [] },
    }),
  );
  const upload = new URL(await put(`/v2/${name}/blobs/uploads/`, '', 'application/octet-stream', 'POST'), reg.url);
  upload.searchParams.set('digest', digestOf(armConfig));
  await put(upload.pathname + upload.search, armConfig, 'application/octet-stream');
  const armManifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: digestOf(armConfig),
      size: armConfig.length,
    },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: image.layerDigest, size: 29 }],
  });
  await put(
    `/v2/${name}/manifests/${digestOf(armManifest)}`,
    armManifest,
    'application/vnd.oci.image.manifest.v1+json',
  );
  const amd = await client().getManifest(name, '1.0');
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      {
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        digest: amd.digest,
        size: 0,
        platform: { os: 'linux', architecture: 'amd64' },
      },
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: digestOf(armManifest),
        size: armManifest.length,
        platform: { os: 'linux', architecture: 'arm64' },
      },
    ],
  });
  await put(`/v2/${name}/manifests/multi`, index, 'application/vnd.oci.image.index.v1+json');
  const arm = await client().getImageConfig(name, 'multi', { os: 'linux', architecture: 'arm64' });
  assert.equal(arm.architecture, 'arm64');
  assert.equal(arm.labels.arch, 'arm64');
  const amd64 = await client().getImageConfig(name, 'multi', { os: 'linux', architecture: 'amd64' });
  assert.equal(amd64.manifestDigest, image.manifestDigest);
  await assert.rejects(
    client().getManifest(name, 'multi', { os: 'linux', architecture: 's390x' }),
    /only for linux\/amd64, linux\/arm64, not linux\/s390x/,
  );
});

test('Docker Hub images go through the registry API with library/ for official names (DAM_HUB_REGISTRY_URL points at a local token registry)', async () => {
  const official = 'library/damtest-official';
  const seeded = await seedRegistry(reg, { names: [official], tags: ['7.0'] });
  const hub = createRegistries({ ...env, DAM_HUB_REGISTRY_URL: reg.url });
  try {
    const r = hub.registry({
      repo: {
        id: 1,
        name: 'official',
        server: 'https://registry-1.docker.io/',
        isDefault: true,
        username: reg.username,
      },
      password: reg.password,
    });
    assert.equal(r.label, "registry 'official' (Docker Hub)");
    assert.deepEqual(await r.tags('damtest-official'), ['7.0']);
    assert.equal((await r.getImageConfig('damtest-official', '7.0')).configDigest, seeded.configDigest);
  } finally {
    await hub.close();
  }
});
