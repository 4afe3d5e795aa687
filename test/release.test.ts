// The release executables on the real engine: the linux-x64 one alone in an empty folder with no Node on
// the PATH runs a whole life cycle; the linux-arm64 one runs under qemu against the same engine; the
// win-x64 one is checked as a file (it is not run: there is no Windows here). The .deb is tested in
// test/release-deb.test.ts, the self-contained product in test/self-contained.test.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_LABEL, uniqueName } from './harness/dam.js';
import { baseImage } from './harness/engine.js';
import { removeLabelled, writeProject } from './harness/projects.js';
import { QEMU, pathWithoutNode, releaseBuild, runBare, type Release } from './harness/release.js';

const RUN = uniqueName('release');
let release: Release;
let dir: string;
let noNode: { path: string; cleanup: () => Promise<void> };
let savedDam = '';

before(async () => {
  release = await releaseBuild();
  dir = await mkdtemp(join(tmpdir(), 'damtest-release-'));
  noNode = await pathWithoutNode();
});

after(async () => {
  await removeLabelled(RUN);
  await rm(dir, { recursive: true, force: true });
  await noNode?.cleanup();
});

const bareEnv = (home: string): Record<string, string> => ({
  PATH: noNode.path,
  HOME: dir,
  DAM_HOME: home,
  NO_COLOR: '1',
});

test(
  'the linux-x64 executable alone, with no node on the PATH, runs create, install, save, export, remove and import',
  { timeout: 600_000 },
  async () => {
    const alone = await mkdtemp(join(dir, 'alone-'));
    const exe = join(alone, 'dam');
    await copyFile(release.linuxX64, exe);
    assert.deepEqual(await readdir(alone), ['dam']);
    const env = bareEnv(join(alone, 'state'));
    assert.notEqual((await runBare('sh', ['-c', 'command -v node'], env)).code, 0, 'node is not on this PATH');
    const dam = async (...args: string[]) => {
      const r = await runBare(exe, args, env, { cwd: alone });
      assert.equal(r.code, 0, `dam ${args.join(' ')}: ${r.stderr}`);
      return r;
    };
    const version = await dam('--version');
    assert.ok(
      version.stdout.startsWith(`${release.version} (node v${release.node}, linux/x64, engine `),
      version.stdout,
    );
    const name = uniqueName('alone');
    const project = await writeProject(dir, name, {
      Dockerfile: `FROM ${await baseImage()}\nCOPY meta /meta\n`,
      'meta/install': { text: '#!/bin/sh\necho installed\n', mode: 0o755 },
      'meta/uninstall': { text: '#!/bin/sh\necho removed\n', mode: 0o755 },
    });
    await dam('create', project, '--name', name, '--version', '1.0', '--label', `${TEST_LABEL}=${RUN}`);
    await dam('install', `${name}:1.0`, '--offline');
    const saved = JSON.parse((await dam('save', `${name}:1.0`, '-o', join(dir, `${name}.dam`), '--json')).stdout) as {
      path: string;
    };
    savedDam = saved.path;
    await dam('export', '--all', join(alone, 'product.bundle'));
    // The executable starts from a snapshot made at build time: what it reads of its environment, it reads now.
    const noZstd = await runBare(
      exe,
      ['export', '--all', '--compress', 'zstd', join(alone, 'z.bundle')],
      { ...env, DAM_ZSTD: join(alone, 'no-such-zstd') },
      { cwd: alone },
    );
    assert.equal(noZstd.code, 1, noZstd.stderr);
    assert.match(noZstd.stderr, /zstd program .*no-such-zstd.* is not installed/);
    const context = await runBare(exe, ['--version'], { ...env, DOCKER_CONTEXT: 'no-such-context' }, { cwd: alone });
    assert.match(
      context.stdout,
      /no usable engine: The Docker context 'no-such-context' \(from DOCKER_CONTEXT\) does not exist/,
      context.stderr,
    );
    await dam('remove', `${name}:1.0`);
    assert.deepEqual(JSON.parse((await dam('list', '--json')).stdout), []);
    await dam('import', join(alone, 'product.bundle'), '--yes');
    const listed = JSON.parse((await dam('list', '--json')).stdout) as Array<{ name: string; version: string }>;
    assert.deepEqual(
      listed.map((a) => `${a.name}:${a.version}`),
      [`${name}:1.0`],
    );
    await dam('remove', `${name}:1.0`);
    assert.deepEqual(JSON.parse((await dam('list', '--json')).stdout), []);
  },
);

test(
  'the linux-arm64 executable runs under qemu: --version, --help, list, doctor and an install from a .dam',
  { timeout: 600_000 },
  async () => {
    const env = bareEnv(join(dir, 'arm-state'));
    const arm = (...args: string[]) =>
      runBare(QEMU[0], [...QEMU.slice(1), release.linuxArm64, ...args], env, { cwd: dir });
    const version = await arm('--version');
    assert.ok(
      version.stdout.startsWith(`${release.version} (node v${release.node}, linux/arm64, engine `),
      `${version.stdout}${version.stderr}`,
    );
    const help = await arm('--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: dam/);
    assert.match(help.stdout, /import/);
    const list = await arm('list', '--json');
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(JSON.parse(list.stdout), []);
    const doctor = await arm('doctor', '--json');
    assert.equal(doctor.code, 0, doctor.stderr);
    assert.ok(savedDam, 'the x64 test saved a .dam');
    const install = await arm('install', savedDam, '--offline', '--json');
    assert.equal(install.code, 0, install.stderr);
    const listed = JSON.parse((await arm('list', '--json')).stdout) as Array<{ name: string }>;
    assert.equal(listed.length, 1);
    const removed = await arm('remove', listed[0]!.name);
    assert.equal(removed.code, 0, removed.stderr);
  },
);

test(
  'the Linux executables load the later bundle with a code cache they accept; its DamErrors keep their code',
  { timeout: 300_000 },
  async () => {
    // The later bundle (scripts/release-bundle.mjs) holds every command but list; DAM_RELEASE_LATER_CACHE is the
    // release build's hook, which fails when V8 rejects the code cache the executable carries.
    const env = bareEnv(join(dir, 'later-state'));
    const runs = [
      { file: release.linuxX64, prefix: [] as string[] },
      { file: QEMU[0], prefix: [...QEMU.slice(1), release.linuxArm64] },
    ];
    for (const [i, { file, prefix }] of runs.entries()) {
      const cache = join(dir, `later-${i}.cache`);
      const run = (args: string[], extra: Record<string, string> = {}) =>
        runBare(file, [...prefix, ...args], { ...env, ...extra }, { cwd: dir });
      const cached = await run(['listrepos'], { DAM_RELEASE_LATER_CACHE: cache });
      assert.equal(cached.code, 0, `${file}: ${cached.stderr}`);
      assert.ok((await stat(cache)).size > 10_000, 'the hook wrote a code cache');
      const missing = await run(['info', join(dir, 'no-such.dam'), '--json']);
      assert.equal(missing.code, 1, missing.stderr);
      assert.equal((JSON.parse(missing.stdout) as { error: { code: string } }).error.code, 'NOT_FOUND');
      const usage = await run(['history', '--last', 'x']);
      assert.equal(usage.code, 2, usage.stderr);
      assert.doesNotMatch(usage.stderr, /Internal error/);
    }
  },
);

/** The PE header's machine field, and whether the file carries DAM's code and the set SEA fuse. */
async function peFacts(file: string): Promise<{ machine: number; hasDam: boolean; fuseSet: boolean }> {
  const bytes = await readFile(file);
  assert.equal(bytes.toString('latin1', 0, 2), 'MZ');
  const pe = bytes.readUInt32LE(0x3c);
  assert.equal(bytes.toString('latin1', pe, pe + 4), 'PE\0\0');
  const fuse = ['NODE', 'SEA', 'FUSE', 'fce680ab2cc467b6e072b8b5df1996b2:1'].join('_');
  return {
    machine: bytes.readUInt16LE(pe + 4),
    hasDam: bytes.includes('Docker Application Manager') && bytes.includes('NODE_SEA_BLOB'.split('').join('\0')),
    fuseSet: bytes.includes(fuse),
  };
}

test('the win-x64 executable is a PE file for x64 with the app blob injected; the sums match every file', async () => {
  const facts = await peFacts(release.winX64);
  assert.equal(facts.machine, 0x8664, 'AMD64');
  assert.ok(facts.hasDam, 'DAM code and the NODE_SEA_BLOB resource are in the file');
  assert.ok(facts.fuseSet, 'the SEA fuse is set');
  const sums = (await readFile(join(release.dir, 'SHA256SUMS'), 'utf8')).trim().split('\n');
  const files = [release.linuxX64, release.linuxArm64, release.winX64, release.debAmd64, release.debArm64];
  assert.equal(sums.length, files.length);
  for (const f of files) {
    const digest = createHash('sha256')
      .update(await readFile(f))
      .digest('hex');
    assert.ok(sums.includes(`${digest}  ${f.slice(release.dir.length + 1)}`), `SHA256SUMS lists ${f}`);
    assert.ok((await stat(f)).size > 30_000_000, `${f} holds a Node runtime`);
  }
});
