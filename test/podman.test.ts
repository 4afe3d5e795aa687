// DAM against Podman's Docker-compatible API (`podman system service` on its own socket and storage, see
// harness/podman.ts): the engine's version and API version as negotiated, and an app's whole life there,
// create, install, list, info, save, export --all (Podman's save links `<id>/layer.tar` to `<diff>.tar`),
// remove, import into a fresh state, and the saved .dam installed again; push, search and install through a
// plain-HTTP registry that the service's own registries.conf marks insecure.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dam, tempHome, uniqueName, type DamResult } from './harness/dam.js';
import { BASE_IMAGE } from './harness/engine.js';
import { podmanMissing, startPodman, type PodmanEngine } from './harness/podman.js';
import { startPlainRegistry, type TestRegistry } from './harness/registries.js';

const missing = await podmanMissing();
if (missing) console.log(`# podman tests skipped: ${missing}`);
const skip = missing ?? false;

const name = uniqueName('pm');
let podman: PodmanEngine;
let registry: TestRegistry;
let dir: string;
let log: string;
const homes: Array<{ home: string; cleanup: () => Promise<void> }> = [];

const run = (args: string[], home: string, cwd = dir): Promise<DamResult> =>
  dam(args, { home, cwd, env: { ...podman.env, PMTEST_LOG: log }, timeoutMs: 300_000 });

function ok(out: DamResult): DamResult {
  assert.equal(out.code, 0, `${out.stdout}\n${out.stderr}`);
  return out;
}

async function logLines(): Promise<string[]> {
  return (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
}

before(async () => {
  if (missing) return;
  dir = await mkdtemp(join(tmpdir(), 'damtest-podman-'));
  log = join(dir, 'scripts.log');
  homes.push(await tempHome(), await tempHome(), await tempHome(), await tempHome());
  const project = join(dir, 'project');
  await mkdir(join(project, 'meta'), { recursive: true });
  await writeFile(join(project, 'Dockerfile'), `FROM ${BASE_IMAGE}\nCOPY meta /meta\n`);
  await writeFile(
    join(project, 'meta', 'install'),
    '#!/bin/sh\necho "install $DAM_APP_NAME $DAM_APP_VERSION" >> "$PMTEST_LOG"\n',
    { mode: 0o755 },
  );
  await writeFile(
    join(project, 'meta', 'uninstall'),
    '#!/bin/sh\necho "uninstall $DAM_APP_NAME $DAM_APP_VERSION" >> "$PMTEST_LOG"\n',
    { mode: 0o755 },
  );
  await writeFile(join(project, 'meta', 'DESCRIPTION'), 'An app made on Podman.\n');
  registry = await startPlainRegistry();
  podman = await startPodman({ insecureRegistries: [registry.host] });
});

after(async () => {
  await podman?.stop();
  await registry?.stop();
  for (const h of homes) await h.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the engine is Podman, its API version negotiated as the service reports it', { skip }, async () => {
  const out = ok(await run(['doctor', '--json'], homes[0]!.home));
  const report = JSON.parse(out.stdout) as {
    ok: boolean;
    engine: { address: string; version: string; apiVersion: string; storageDriver: string; rootDir: string };
  };
  const version = await fetchVersion();
  assert.equal(report.ok, true);
  assert.equal(report.engine.address, podman.host);
  assert.equal(report.engine.version, version.Version, "Podman's own version, not a Docker one");
  assert.equal(report.engine.apiVersion, version.ApiVersion);
  assert.ok(report.engine.rootDir.startsWith('/tmp/dpm-'), `its own storage: ${report.engine.rootDir}`);
});

async function fetchVersion(): Promise<{ Version: string; ApiVersion: string }> {
  const info = await podman.engine.info();
  return { Version: info.version, ApiVersion: info.apiVersion };
}

test(
  'create, install, list, info, save, export --all, remove, import into a fresh state, remove, on Podman',
  { skip },
  async (t) => {
    const [one, two, three] = homes.map((h) => h.home) as [string, string, string];
    ok(await run(['create', 'project', '--name', name, '--version', '1.0'], one));
    ok(await run(['install', `${name}:1.0`], one));
    assert.deepEqual(await logLines(), [`install ${name} 1.0`]);
    const listed = JSON.parse(ok(await run(['list', '--json'], one)).stdout) as Array<{
      name: string;
      version: string;
    }>;
    assert.deepEqual(
      listed.map((a) => `${a.name}:${a.version}`),
      [`${name}:1.0`],
    );
    assert.match(ok(await run(['info', `${name}:1.0`], one)).stdout, /An app made on Podman\./);

    const saved = join(dir, 'saved');
    await mkdir(saved);
    ok(await run(['save', `${name}:1.0`], one, saved));
    const damFile = (await readdir(saved)).find((f) => f.endsWith('.dam'));
    assert.ok(damFile, 'save wrote a .dam');

    const bundle = join(dir, 'all.bundle');
    ok(await run(['export', '--all', bundle], one));
    const oci = join(dir, 'local.bundle');
    await writeFile(
      join(dir, 'product.json'),
      JSON.stringify({ format: 1, name: 'pod', apps: [{ name, version: '1.0', tag: `${name}:1.0` }] }),
    );
    ok(await run(['export', '--all', '--from', join(dir, 'product.json'), '--local', oci], one));
    ok(await run(['remove', `${name}:1.0`], one));
    assert.equal((await logLines()).at(-1), `uninstall ${name} 1.0`);

    // The image leaves the engine: the import must load it from the bundle.
    await podman.engine.removeImage(`${name}:1.0`, { force: true });
    assert.equal(await podman.engine.inspectImage(`${name}:1.0`), undefined);
    ok(await run(['import', '--yes', bundle], two));
    assert.equal((await logLines()).at(-1), `install ${name} 1.0`);
    assert.match(ok(await run(['list', '--raw'], two)).stdout, new RegExp(`;${name};1\\.0;1;;${name}\\n$`));
    ok(await run(['remove', `${name}:1.0`], two));
    assert.equal((await logLines()).at(-1), `uninstall ${name} 1.0`);

    await t.test('a format 2 bundle made on Podman imports into it, its layers sent uncompressed', async () => {
      await podman.engine.removeImage(`${name}:1.0`, { force: true });
      ok(await run(['import', '--yes', oci], two));
      assert.equal((await logLines()).at(-1), `install ${name} 1.0`);
      ok(await run(['remove', `${name}:1.0`], two));
    });

    await t.test('the .dam saved from Podman installs', async () => {
      await podman.engine.removeImage(`${name}:1.0`, { force: true });
      ok(await run(['install', join(saved, damFile)], three));
      assert.equal((await logLines()).at(-1), `install ${name} 1.0`);
      ok(await run(['remove', `${name}:1.0`], three));
    });
  },
);

test('push, search and install through a registry, on Podman', { skip }, async () => {
  const home = homes[3]!.home;
  ok(await run(['addrepo', '--name', 'lab', '--server', registry.host, '--insecure', '--default'], home));
  ok(await run(['create', 'project', '--name', name, '--version', '2.0'], home));
  ok(await run(['push', `${name}:2.0`], home));
  assert.match(ok(await run(['search', name], home)).stdout, /2\.0/);
  await podman.engine.removeImage(`${registry.host}/${name}:2.0`, { force: true });
  ok(await run(['install', `${name}:2.0`], home));
  assert.equal((await logLines()).at(-1), `install ${name} 2.0`);
  assert.ok(await podman.engine.inspectImage(`${registry.host}/${name}:2.0`), 'pulled into Podman');
  ok(await run(['remove', `${name}:2.0`], home));
});
