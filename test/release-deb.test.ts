// The .deb packages: installed with `dpkg --root` into a throw-away root (its own dpkg database, so the
// machine's packages are untouched), then the binary, the man page and the completion work, and `dpkg -r`
// leaves nothing behind. lintian reports no errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { COMMANDS } from '../src/cli/commands.js';
import { releaseBuild, type Release } from './harness/release.js';

const run = promisify(execFile);
let release: Release;
let root: string;

before(async () => {
  release = await releaseBuild();
  root = await mkdtemp(join(tmpdir(), 'damtest-debroot-'));
  for (const d of ['var/lib/dpkg/info', 'var/lib/dpkg/updates', 'var/lib/dpkg/triggers'])
    await mkdir(join(root, d), { recursive: true });
  await writeFile(join(root, 'var/lib/dpkg/status'), '');
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Every file and folder under the root, outside dpkg's own database. */
async function tree(): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .filter((p) => !p.startsWith('var/lib/dpkg') && !['var', 'var/lib'].includes(p))
    .sort();
}

test('the control data: the engine recommended, not required; one package per architecture', async () => {
  for (const [deb, arch] of [
    [release.debAmd64, 'amd64'],
    [release.debArm64, 'arm64'],
  ] as const) {
    const fields = async (f: string) => (await run('dpkg-deb', ['-f', deb, f])).stdout.trim();
    assert.equal(await fields('Package'), 'dam');
    assert.equal(await fields('Architecture'), arch);
    assert.equal(await fields('Version'), release.version.replace('-', '~'));
    assert.equal(await fields('Recommends'), 'docker.io | docker-ce | podman');
    assert.doesNotMatch(await fields('Depends'), /docker|podman/);
  }
});

test(
  'dpkg installs the amd64 package: dam --version, man dam, completion and /var/lib/dam 0700; dpkg -r removes it all',
  { timeout: 300_000 },
  async () => {
    await run('dpkg', [`--root=${root}`, '--force-depends', '-i', release.debAmd64]);
    const version = await run(join(root, 'usr/bin/dam'), ['--version']);
    assert.ok(
      version.stdout.startsWith(`${release.version} (node v${release.node}, linux/x64, engine `),
      version.stdout,
    );
    const state = await stat(join(root, 'var/lib/dam'));
    assert.ok(state.isDirectory());
    assert.equal(state.mode & 0o777, 0o700);
    const man = await run('man', ['-l', join(root, 'usr/share/man/man1/dam.1.gz')], {
      env: { ...process.env, MANWIDTH: '200', MANPAGER: 'cat', PAGER: 'cat' },
    });
    assert.match(man.stdout, /dam - the Docker Application Manager/);
    for (const spec of COMMANDS)
      assert.match(man.stdout, new RegExp(`^ {3}${spec.name}\\b`, 'm'), `man dam documents ${spec.name}`);
    assert.match(man.stdout, /--self-contained/);
    const bash = await run('bash', [
      '-c',
      `source ${join(root, 'usr/share/bash-completion/completions/dam')}; COMP_WORDS=(dam imp); COMP_CWORD=1; _dam; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ]);
    assert.deepEqual(bash.stdout.trim().split('\n'), ['import']);
    const zsh = join(root, 'usr/share/zsh/vendor-completions/_dam');
    await run('zsh', ['-n', zsh]);
    assert.match((await run('head', ['-1', zsh])).stdout, /^#compdef dam/);
    await run('dpkg', [`--root=${root}`, '-r', 'dam']);
    assert.deepEqual(await tree(), [], 'nothing of the package is left');
    await assert.rejects(run('dpkg', [`--root=${root}`, '-s', 'dam']), 'dpkg no longer knows the package as installed');
  },
);

test('lintian reports no errors for either package', { timeout: 600_000 }, async () => {
  for (const deb of [release.debAmd64, release.debArm64]) {
    const out = await run('lintian', ['--fail-on', 'error', deb], { maxBuffer: 16 * 1024 * 1024 }).catch(
      (err: { stdout?: string; stderr?: string }) =>
        assert.fail(`lintian ${deb}: ${err.stdout ?? ''}${err.stderr ?? ''}`),
    );
    assert.doesNotMatch(out.stdout, /^E: /m);
  }
});
