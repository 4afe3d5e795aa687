// `dam export --all --self-contained`: one executable file, DAM's release executable then the bundle. It
// imports itself onto a second, empty engine from a shell with no node on the PATH, keeps the signature
// and trust checks, and a tampered copy is refused (by itself and by an installed DAM) with the engine unchanged.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dam, tempHome, uniqueName } from './harness/dam.js';
import { buildTestApp, removeTestImages } from './harness/apps.js';
import { startSecondEngine, type SecondEngine } from './harness/second-engine.js';
import { QEMU, pathWithoutNode, releaseBuild, runBare, type Release } from './harness/release.js';
import { embeddedBundle } from '../src/adapters/bundle/self-contained.js';

const app = uniqueName('selfc');
let release: Release;
let dir: string;
let home: string;
let cleanupHome: () => Promise<void>;
let second: SecondEngine;
let noNode: { path: string; cleanup: () => Promise<void> };
let product: string;

before(async () => {
  release = await releaseBuild();
  dir = await mkdtemp(join(tmpdir(), 'damtest-selfc-'));
  ({ home, cleanup: cleanupHome } = await tempHome());
  noNode = await pathWithoutNode();
  await buildTestApp({ name: app, version: '1.0' });
  const installed = await dam(['install', `${app}:1.0`, '--offline'], {
    home,
    env: { DAMTEST_LOG: join(dir, 'scripts.log') },
  });
  assert.equal(installed.code, 0, installed.stderr);
  for (const key of ['k']) {
    assert.equal((await dam(['key', 'generate', key], { home })).code, 0);
    await writeFile(join(dir, `${key}.pub`), (await dam(['key', 'export-public', key], { home })).stdout);
  }
  product = join(dir, 'product.run');
  const out = await dam(
    [
      'export',
      '--all',
      '--self-contained',
      '--dam-binary',
      release.linuxX64,
      '--name',
      'plant',
      '--sign',
      'k',
      product,
      '--json',
    ],
    { home },
  );
  assert.equal(out.code, 0, out.stderr);
  assert.equal((JSON.parse(out.stdout) as { format: string }).format, 'self-contained');
  second = await startSecondEngine();
});

after(async () => {
  await second?.stop();
  await removeTestImages([app]);
  await rm(dir, { recursive: true, force: true });
  await cleanupHome?.();
  await noNode?.cleanup();
});

const tags = async () => (await second.engine.listImages()).flatMap((i) => i.repoTags).sort();
const onTarget = (file: string, args: string[], targetHome: string) =>
  runBare(
    file,
    args,
    {
      PATH: noNode.path,
      HOME: dir,
      DAM_HOME: targetHome,
      NO_COLOR: '1',
      DAMTEST_LOG: join(dir, 'scripts.log'),
      ...second.env,
    },
    { cwd: dir },
  );

async function elfMachine(file: string): Promise<number> {
  const handle = await open(file, 'r');
  try {
    const { buffer } = await handle.read(Buffer.alloc(20), 0, 20, 0);
    return buffer.readUInt16LE(18);
  } finally {
    await handle.close();
  }
}

test('the .run file is an x64 executable whose bundle an installed DAM reads: dam info product.run', async () => {
  assert.equal(await elfMachine(product), 62);
  const info = await dam(['info', product, '--json'], { home });
  assert.equal(info.code, 0, info.stderr);
  const data = JSON.parse(info.stdout) as {
    kind: string;
    selfContained: boolean;
    product: string;
    signature: { status: string };
  };
  assert.deepEqual([data.kind, data.selfContained, data.product], ['bundle', true, 'plant']);
});

test(
  './product.run info and import --yes on a host with only an engine (no node on the PATH), honouring its trust store',
  { timeout: 600_000 },
  async () => {
    const target = await tempHome();
    try {
      const info = await onTarget(product, ['info'], target.home);
      assert.equal(info.code, 0, info.stderr);
      assert.match(info.stdout, /self-contained product/);
      assert.match(info.stdout, /Product: +plant/);
      assert.deepEqual(await tags(), []);
      // The host trusts the key: the signature (product.run.sig) is required and checked.
      assert.equal((await onTarget(product, ['trust', 'add', join(dir, 'k.pub')], target.home)).code, 0);
      const imported = await onTarget(product, ['import', '--yes'], target.home);
      assert.equal(imported.code, 0, imported.stderr);
      assert.match(imported.stderr, /signed by .*trusted by this host/);
      assert.deepEqual(await tags(), [`${app}:1.0`]);
      const list = await onTarget(product, ['list', '--json'], target.home);
      assert.deepEqual(
        (JSON.parse(list.stdout) as Array<{ name: string }>).map((a) => a.name),
        [app],
      );
    } finally {
      await target.cleanup();
    }
  },
);

test(
  'a tampered .run is refused, by itself and by an installed DAM, and the engine is unchanged',
  { timeout: 600_000 },
  async () => {
    for (const i of await second.engine.listImages()) await second.engine.removeImage(i.id, { force: true });
    const tampered = join(dir, 'tampered.run');
    await copyFile(product, tampered);
    await copyFile(`${product}.sig`, `${tampered}.sig`);
    const region = embeddedBundle(tampered)!;
    const bytes = await readFile(tampered);
    const at = region.end - 4096;
    bytes[at] = bytes[at]! ^ 0xff;
    await writeFile(tampered, bytes, { mode: 0o755 });
    const target = await tempHome();
    try {
      const self = await onTarget(tampered, ['import', '--yes'], target.home);
      assert.equal(self.code, 1, self.stderr);
      assert.match(self.stderr, /damaged|corrupt|sha256|invalid/i);
      const installed = await dam(['import', tampered, '--yes'], {
        home: target.home,
        env: { ...second.env, DAMTEST_LOG: join(dir, 'scripts.log') },
      });
      assert.equal(installed.code, 1, installed.stderr);
      assert.deepEqual(await tags(), [], 'nothing was loaded');
      assert.deepEqual(JSON.parse((await dam(['list', '--json'], { home: target.home, env: second.env })).stdout), []);
    } finally {
      await target.cleanup();
    }
  },
);

test(
  '--platform linux/arm64 puts the arm64 executable in front; it runs under qemu and shows its product',
  { timeout: 600_000 },
  async () => {
    const arm = join(dir, 'arm.run');
    const out = await dam(
      ['export', '--all', '--self-contained', '--platform', 'linux/arm64', '--dam-binary', release.linuxArm64, arm],
      { home },
    );
    assert.equal(out.code, 0, out.stderr);
    assert.equal(await elfMachine(arm), 183);
    const info = await runBare(QEMU[0], [...QEMU.slice(1), arm, 'info', '--json'], {
      PATH: noNode.path,
      HOME: dir,
      DAM_HOME: join(dir, 'arm-home'),
      NO_COLOR: '1',
    });
    assert.equal(info.code, 0, info.stderr);
    assert.equal((JSON.parse(info.stdout) as { selfContained: boolean }).selfContained, true);
  },
);

test('bad --self-contained input is a usage error that writes nothing', async () => {
  const file = join(dir, 'bad.run');
  const cases: Array<[string[], RegExp]> = [
    [['--self-contained', file], /applies to bundles only/],
    [['--all', '--self-contained', '--platform', 'windows/amd64', file], /'windows\/amd64' is not a platform/],
    [['--all', '--self-contained', '--dam-binary', '/bin/ls', file], /not a DAM single executable/],
    [
      ['--all', '--self-contained', '--platform', 'linux/amd64', '--dam-binary', release.linuxArm64, file],
      /not a Linux executable for linux\/amd64/,
    ],
    [['--all', '--dam-binary', release.linuxX64, file], /--dam-binary applies to --self-contained only/],
  ];
  for (const [args, message] of cases) {
    const out = await dam(['export', ...args], { home });
    assert.equal(out.code, 2, `${args.join(' ')}: ${out.stderr}`);
    assert.match(out.stderr, message);
    await assert.rejects(readFile(file), { code: 'ENOENT' });
  }
});
