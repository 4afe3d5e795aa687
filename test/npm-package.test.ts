// The npm package installs from its own tarball with no network: `npm pack`, then `npm install -g
// --offline` into a temporary prefix with an empty npm cache and an unreachable registry.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './harness/dam.js';

const run = promisify(execFile);
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'damtest-npm-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test(
  'the packed tarball installs globally with --offline, an empty cache and no registry, and runs',
  { timeout: 300_000 },
  async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
      dependencies: Record<string, string>;
      engines: { node: string };
    };
    assert.deepEqual(pkg.dependencies, {}, 'runtime code is bundled in dist/');
    const env = {
      ...process.env,
      npm_config_registry: 'http://127.0.0.1:9/',
      npm_config_cache: join(dir, 'cache'),
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    };
    const packed = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, env });
    const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const paths = info!.files.map((f) => f.path);
    for (const f of ['LICENSE', 'README.md', 'CHANGELOG.md', 'bin/dam', 'dist/dam.mjs', 'docs/formats.md'])
      assert.ok(paths.includes(f), `the tarball holds ${f}`);
    assert.ok(
      !paths.some((p) => p.startsWith('src/') || p.startsWith('test/') || p.startsWith('release/')),
      'no sources, tests or release files',
    );
    const prefix = join(dir, 'prefix');
    await run('npm', ['install', '-g', '--offline', '--prefix', prefix, join(dir, info!.filename)], { env });
    const version = await run(join(prefix, 'bin', 'dam'), ['--version'], { env });
    assert.match(
      version.stdout,
      new RegExp(`^${pkg.version.replace(/\./g, '\\.')} \\(node v\\d+\\.\\d+\\.\\d+, linux/x64, `),
    );
    const installed = join(prefix, 'lib', 'node_modules', pkg.name);
    assert.deepEqual(
      (await readdir(installed)).filter((f) => f === 'node_modules'),
      [],
      'nothing was downloaded beside it',
    );
    assert.match(await readFile(join(installed, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0/);
  },
);
