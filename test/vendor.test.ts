// From vendor to site: a multi-platform product in a registry becomes a bundle of format 2 with no engine
// (for one platform or both, each layer once), standard tools read it, an empty second engine imports its
// own platform from it, it seeds a site registry from which a host imports, and every refusal (platform
// missing, truncated, tampered, a registry that says no) changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { extract } from 'tar-stream';
import { createReadStream } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dam, tempHome, uniqueName, type DamResult } from './harness/dam.js';
import { startPlainRegistry, startTlsRegistry, type TestRegistry } from './harness/registries.js';
import { baseLayer, makeLayer, pushMultiArchApp, type PushedApp } from './harness/oci-images.js';
import { startSecondEngine, type SecondEngine } from './harness/second-engine.js';
import { buildTestApp, removeTestImages } from './harness/apps.js';
import { testEngine } from './harness/engine.js';

const sh = promisify(execFile);
const NO_ENGINE = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
let source: TestRegistry;
let site: TestRegistry;
let apps: PushedApp[];
let dir: string;
let home: string;
let cleanup: () => Promise<void>;
let second: SecondEngine | undefined;

const run = (args: string[], env: Record<string, string> = {}, h = home): Promise<DamResult> =>
  dam(args, { home: h, cwd: dir, env: { DAMTEST_LOG: join(dir, 'scripts.log'), ...env } });
const bundle = (name: string) => join(dir, `${name}.bundle`);

async function members(path: string): Promise<Array<{ name: string; size: number }>> {
  const out: Array<{ name: string; size: number }> = [];
  const ex = extract();
  ex.on('entry', (h, body, next) => {
    out.push({ name: h.name, size: h.size ?? 0 });
    body.resume();
    body.on('end', next);
  });
  await new Promise((resolve, reject) => {
    ex.on('finish', () => resolve(undefined));
    ex.on('error', reject);
    createReadStream(path).pipe(ex);
  });
  return out;
}

before(async () => {
  source = await startPlainRegistry();
  site = await startPlainRegistry();
  ({ home, cleanup } = await tempHome());
  dir = await mkdtemp(join(tmpdir(), 'damtest-vendor-'));
  const base = await baseLayer(2_000_000);
  apps = [];
  for (const prefix of ['va', 'vb'])
    apps.push(await pushMultiArchApp(source.url, source.host, uniqueName(prefix), '1.0', base, 300_000));
  await writeFile(
    join(dir, 'product.json'),
    JSON.stringify({
      format: 1,
      name: 'vendor-test',
      apps: apps.map((a) => ({ name: a.name, version: a.version, tag: a.tag })),
    }),
  );
});

after(async () => {
  await second?.stop();
  await source.stop();
  await site.stop();
  await rm(dir, { recursive: true, force: true });
  await cleanup();
});

test('export --from builds a bundle straight from the registry, with no engine, for each platform and for both, each layer once', async () => {
  for (const [name, platform] of [
    ['amd64', 'linux/amd64'],
    ['arm64', 'linux/arm64'],
    ['both', 'linux/amd64,linux/arm64'],
  ] as const) {
    const out = await run(
      ['export', '--all', '--from', 'product.json', '--platform', platform, bundle(name), '--json'],
      NO_ENGINE,
    );
    assert.equal(out.code, 0, out.stderr);
    const data = JSON.parse(out.stdout) as { platforms: string[]; images: number; bundleFormat: number };
    assert.deepEqual(data.platforms, platform.split(','));
    assert.equal(data.images, 2 * data.platforms.length);
    assert.equal(data.bundleFormat, 2);
    const list = await members(bundle(name));
    assert.deepEqual(
      list.slice(0, 3).map((m) => m.name),
      ['dam-bundle.json', 'oci-layout', 'index.json'],
    );
    const names = list.map((m) => m.name);
    assert.equal(new Set(names).size, names.length, 'no member twice');
    const wanted = new Set(
      apps.flatMap((a) => a.images.filter((i) => platform.includes(i.platform)).flatMap((i) => i.layers)),
    );
    const other = new Set(
      apps
        .flatMap((a) => a.images.filter((i) => !platform.includes(i.platform)).flatMap((i) => i.layers))
        .filter((d) => !wanted.has(d)),
    );
    for (const d of wanted) assert.ok(names.includes(`blobs/sha256/${d.slice(7)}`), `${name} carries ${d}`);
    for (const d of other)
      assert.ok(!names.includes(`blobs/sha256/${d.slice(7)}`), `${name} leaves out the other platform's ${d}`);
  }
  const [amd, arm, both] = await Promise.all(['amd64', 'arm64', 'both'].map(async (n) => (await stat(bundle(n))).size));
  // The 2 MB base is carried once in each: both platforms cost the per-platform layers only.
  assert.ok(amd! > 2_500_000 && amd! < 3_000_000, `amd64 bundle is ${amd}`);
  assert.ok(both! > amd! && both! < amd! + arm! - 1_900_000, `both: ${both}, amd64 ${amd}, arm64 ${arm}`);
});

test("skopeo inspects and copies images out of a DAM bundle, with the sources' digests", async () => {
  const [a] = apps;
  const raw = (await sh('skopeo', ['inspect', '--raw', `oci-archive:${bundle('both')}:${a!.tag}`])).stdout;
  assert.equal(
    `sha256:${createHash('sha256').update(raw).digest('hex')}`,
    a!.indexDigest,
    "the multi-platform index is the source's",
  );
  const arm = JSON.parse(
    (await sh('skopeo', ['inspect', '--override-arch', 'arm64', `oci-archive:${bundle('both')}:${a!.tag}`])).stdout,
  ) as { Digest: string; Architecture: string };
  assert.equal(arm.Architecture, 'arm64');
  const amd = a!.images.find((i) => i.platform === 'linux/amd64')!;
  const target = `${site.host}/${uniqueName('copied')}:1`;
  await sh('skopeo', [
    'copy',
    '--dest-tls-verify=false',
    `oci-archive:${bundle('amd64')}:${a!.tag}`,
    `docker://${target}`,
  ]);
  const copied = JSON.parse((await sh('skopeo', ['inspect', '--tls-verify=false', `docker://${target}`])).stdout) as {
    Digest: string;
  };
  assert.equal(copied.Digest, amd.manifestDigest);
});

test('a second, empty engine refuses a missing platform and damaged bundles without change, then takes its own platform', async () => {
  second = await startSecondEngine();
  const env = second.env;
  const other = await tempHome();
  try {
    const refused = await run(['import', bundle('arm64'), '--yes'], env, other.home);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /no images for this engine's platform linux\/amd64.*carries linux\/arm64/s);

    const bytes = await readFile(bundle('amd64'));
    const tampered = Buffer.from(bytes);
    const at = bytes.length - 100_000;
    tampered[at] = (tampered[at] ?? 0) ^ 0x55;
    await writeFile(bundle('tampered'), tampered);
    const bad = await run(['import', bundle('tampered'), '--yes'], env, other.home);
    assert.equal(bad.code, 1);
    // A blob DAM hashes is named by its digest; a layer it inflates (held to its diff id) by what broke in it.
    assert.match(
      bad.stderr,
      /tampered\.bundle' is invalid: (member 'blobs\/sha256\/[0-9a-f]{64}' has content sha256:|layer sha256:[0-9a-f]{64} does not inflate \(|member 'blobs\/sha256\/[0-9a-f]{64}' has sha256 )/,
    );

    await writeFile(bundle('truncated'), bytes);
    await truncate(bundle('truncated'), Math.floor(bytes.length / 2));
    const cut = await run(['import', bundle('truncated'), '--yes'], env, other.home);
    assert.equal(cut.code, 1);
    assert.match(cut.stderr, /truncated\.bundle/);
    assert.deepEqual(await second.engine.listImages(), [], 'the refusals left the engine empty');
    assert.equal((await run(['list', '--json'], env, other.home)).stdout.trim(), '[]');

    const out = await run(['import', bundle('both'), '--yes'], env, other.home);
    assert.equal(out.code, 0, out.stderr);
    for (const a of apps) {
      const image = await second.engine.inspectImage(a.tag);
      assert.equal(
        image?.id,
        a.images.find((i) => i.platform === 'linux/amd64')!.configDigest,
        `${a.name} is the amd64 image`,
      );
    }
    assert.match(await readFile(join(dir, 'scripts.log'), 'utf8'), new RegExp(`install install ${apps[0]!.name} 1.0`));
  } finally {
    await other.cleanup();
  }
});

test("export --from --local packs the engine's images, each layer compressed once (zstd), and an empty engine loads them", async () => {
  const names = [uniqueName('lc'), uniqueName('ld')];
  try {
    const tags: string[] = [];
    for (const name of names) tags.push(await buildTestApp({ name, version: '1.0', padBytes: 200_000 }));
    await writeFile(
      join(dir, 'local.json'),
      JSON.stringify({ format: 1, apps: names.map((name, i) => ({ name, version: '1.0', tag: tags[i] })) }),
    );
    const out = await run([
      'export',
      '--all',
      '--from',
      'local.json',
      '--local',
      '--compress',
      'zstd',
      bundle('local'),
      '--json',
    ]);
    assert.equal(out.code, 0, out.stderr);
    const ids = await Promise.all(tags.map(async (t) => (await testEngine().inspectImage(t))!));
    const distinct = new Set(ids.flatMap((i) => i.layers));
    const blobs = (await members(bundle('local'))).filter((m) => m.name.startsWith('blobs/'));
    // Two manifests, two configs and each distinct layer once (the busybox base is shared).
    assert.equal(blobs.length, 4 + distinct.size);
    assert.ok(second, 'the second engine runs');
    const other = await tempHome();
    try {
      const loaded = await run(['import', bundle('local'), '--yes'], second.env, other.home);
      assert.equal(loaded.code, 0, loaded.stderr);
      for (const [i, t] of tags.entries()) assert.equal((await second.engine.inspectImage(t))?.id, ids[i]!.id);
    } finally {
      await other.cleanup();
    }
  } finally {
    await removeTestImages(names);
  }
});

test('push --bundle seeds a site registry; a host imports the product from it; a second seeding uploads nothing', async () => {
  assert.equal((await run(['addrepo', '--name', 'site', '--server', site.host], NO_ENGINE)).code, 0);
  const first = await run(['push', '--bundle', bundle('both'), '--repo', 'site', '--json'], NO_ENGINE);
  assert.equal(first.code, 0, first.stderr);
  const pushed = JSON.parse(first.stdout) as { uploaded: number; mounted: number; skipped: number; tags: string[] };
  assert.equal(pushed.tags.length, 2);
  assert.ok(pushed.mounted >= 1, 'the shared base is mounted into the second repository');
  const again = JSON.parse(
    (await run(['push', '--bundle', bundle('both'), '--repo', 'site', '--json'], NO_ENGINE)).stdout,
  ) as { uploaded: number; mounted: number };
  assert.equal(again.uploaded + again.mounted, 0, 'a second seeding pushes no blob');
  const raw = (
    await sh('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${site.host}/${apps[0]!.name}:1.0`])
  ).stdout;
  assert.equal(`sha256:${createHash('sha256').update(raw).digest('hex')}`, apps[0]!.indexDigest);

  assert.ok(second, 'the second engine runs');
  const host = await tempHome();
  try {
    const env = second.env;
    assert.equal(
      (await run(['addrepo', '--name', 'site', '--server', site.host, '--default'], env, host.home)).code,
      0,
    );
    await writeFile(join(dir, 'apps.txt'), apps.map((a) => `${a.name}:1.0\n`).join(''));
    const out = await run(['import', 'apps.txt', '--yes'], env, host.home);
    assert.equal(out.code, 0, out.stderr);
    const image = await second.engine.inspectImage(`${site.host}/${apps[1]!.name}:1.0`);
    assert.equal(image?.id, apps[1]!.images.find((i) => i.platform === 'linux/amd64')!.configDigest);
  } finally {
    await host.cleanup();
  }
});

test('a registry that says no: export leaves no file, push --bundle leaves no tag', async () => {
  await writeFile(
    join(dir, 'missing.json'),
    JSON.stringify({
      format: 1,
      apps: [{ name: 'nope', version: '1.0', tag: `${source.host}/${uniqueName('nope')}:1.0` }],
    }),
  );
  const out = await run(['export', '--all', '--from', 'missing.json', bundle('missing')], NO_ENGINE);
  assert.equal(out.code, 1);
  assert.match(out.stderr, /has no/);
  await assert.rejects(stat(bundle('missing')));
  await assert.rejects(stat(`${bundle('missing')}.partial`));

  const locked = await startTlsRegistry();
  try {
    const h = await tempHome();
    try {
      assert.equal(
        (
          await run(
            [
              'addrepo',
              '--name',
              'locked',
              '--server',
              locked.host,
              '--username',
              locked.username!,
              '--password',
              'wrong',
            ],
            NO_ENGINE,
            h.home,
          )
        ).code,
        0,
      );
      const refused = await run(['push', '--bundle', bundle('both'), '--repo', 'locked'], NO_ENGINE, h.home);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /refused the credentials/);
      const catalog = await sh('curl', [
        '-sf',
        '--cacert',
        locked.caFile!,
        '-u',
        `${locked.username}:${locked.password}`,
        `${locked.url}/v2/_catalog`,
      ]);
      assert.deepEqual((JSON.parse(catalog.stdout) as { repositories: string[] }).repositories, []);
    } finally {
      await h.cleanup();
    }
  } finally {
    await locked.stop();
  }
});

/**
 * Pushes an app whose shared base layer is `tar` gzip'd as `gz` (made by hand), and exports it for linux/amd64
 * into bundle(prefix) straight from the registry.
 */
async function exportWithBase(prefix: string, tar: Buffer, gz: Buffer): Promise<PushedApp> {
  const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
  const layer = { tar, gz, diffId: sha(tar), digest: sha(gz) };
  const app = await pushMultiArchApp(source.url, source.host, uniqueName(prefix), '1.0', layer, 1000);
  const list = join(dir, `${prefix}.json`);
  await writeFile(
    list,
    JSON.stringify({ format: 1, name: prefix, apps: [{ name: app.name, version: app.version, tag: app.tag }] }),
  );
  const out = await run(['export', '--all', '--from', list, '--platform', 'linux/amd64', bundle(prefix)], NO_ENGINE);
  assert.equal(out.code, 0, out.stderr);
  return app;
}

/** Imports bundle(prefix) on the second engine into `home`: it must load `app`'s amd64 image. */
async function importsAmd64(prefix: string, app: PushedApp, home: string): Promise<void> {
  const out = await run(['import', bundle(prefix), '--yes'], second!.env, home);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(
    (await second!.engine.inspectImage(app.tag))?.id,
    app.images.find((i) => i.platform === 'linux/amd64')!.configDigest,
  );
}

test('a layer whose gzip trailer misleads (two gzip members) still loads: DAM sends that layer as stored', async () => {
  second ??= await startSecondEngine();
  // DAM sends the engine each layer inflated, sized by the gzip trailer; a second member makes the trailer wrong.
  const { tar } = await baseLayer(400_000);
  const half = Math.floor(tar.length / 2);
  const app = await exportWithBase(
    'vm',
    tar,
    Buffer.concat([gzipSync(tar.subarray(0, half)), gzipSync(tar.subarray(half))]),
  );
  const h = await tempHome();
  try {
    await importsAmd64('vm', app, h.home);
    assert.match(await readFile(join(dir, 'scripts.log'), 'utf8'), new RegExp(`install install ${app.name} 1.0`));
  } finally {
    await second.engine.removeImage(app.tag, { force: true }).catch(() => undefined);
    await h.cleanup();
  }
});

test("a layer's gzip CRC is not what DAM checks: a wrong CRC over the right content loads, damaged deflate data changes nothing", async () => {
  second ??= await startSecondEngine();
  // A layer of compressible bytes, so that its deflate data is coded (not stored) and a damaged byte breaks it.
  const { tar } = await makeLayer([{ name: 'base/blob.bin', data: Buffer.alloc(300_000, 'dam ') }]);
  const good = gzipSync(tar);
  const wrongCrc = Buffer.from(good);
  wrongCrc.writeUInt32LE((wrongCrc.readUInt32LE(wrongCrc.length - 8) ^ 0xffffffff) >>> 0, wrongCrc.length - 8);
  const damaged = Buffer.from(good);
  damaged.fill(0xff, 40, 60);
  const crcApp = await exportWithBase('vcrc', tar, wrongCrc);
  const damagedApp = await exportWithBase('vdeflate', tar, damaged);
  const h = await tempHome();
  try {
    await importsAmd64('vcrc', crcApp, h.home);
    const before = (await second.engine.listImages()).map((i) => i.id).sort();
    const bad = await run(['import', bundle('vdeflate'), '--yes'], second.env, h.home);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /vdeflate\.bundle' is invalid: layer sha256:[0-9a-f]{64} does not inflate \(invalid/);
    assert.doesNotMatch(bad.stderr, /Internal error/);
    assert.deepEqual((await second.engine.listImages()).map((i) => i.id).sort(), before, 'the engine kept nothing');
    assert.equal(await second.engine.inspectImage(damagedApp.tag), undefined);
  } finally {
    await second.engine.removeImage(crcApp.tag, { force: true }).catch(() => undefined);
    await h.cleanup();
  }
});
