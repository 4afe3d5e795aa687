// `dam init` for each kind, then `dam create`, `dam install`, the app working, and `dam remove` leaving
// nothing behind: no container, no volume, no shim, no file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { access, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { dam, uniqueName } from './harness/dam.js';
import { freePort } from './harness/registries.js';
import { docker } from './harness/projects.js';
import { projectSuite } from './harness/suite.js';

const suite = await projectSuite('init');
const { skip } = suite;

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );
const gone = async (args: string[]) =>
  docker(args).then(
    () => false,
    () => true,
  );

/** init, lint, create and install an app of this kind; returns its name. */
async function initAndInstall(kind: string, env: Record<string, string>): Promise<string> {
  const name = uniqueName(kind);
  const dir = join(suite.work, name);
  const init = await dam(['init', dir, '--kind', kind, '--name', name, '--base', suite.base, '--json'], {
    home: suite.home,
  });
  assert.equal(init.code, 0, init.stderr);
  assert.deepEqual(
    JSON.parse(init.stdout)
      .files.filter((f: string) => !f.startsWith('meta/'))
      .sort()
      .slice(0, 2),
    ['Dockerfile', 'ENVIRONMENT'],
  );
  const lint = await dam(['lint', dir, '--json'], { home: suite.home });
  assert.equal(lint.code, 0, lint.stdout);
  assert.deepEqual(JSON.parse(lint.stdout).findings, [], 'the init output has no lint findings');
  const created = await dam(['create', dir, ...suite.label, '--quiet'], { home: suite.home, timeoutMs: 180_000 });
  assert.equal(created.code, 0, created.stderr);
  const installed = await dam(['install', `${name}:0.1.0`, '--json'], { home: suite.home, env });
  assert.equal(installed.code, 0, installed.stderr);
  return name;
}

test('init refuses a folder that is not empty unless --force; a bad --kind is a usage error', async () => {
  const dir = join(suite.work, 'busy');
  assert.equal((await dam(['init', dir, '--kind', 'tool', '--name', 'busy'], { home: suite.home })).code, 0);
  const again = await dam(['init', dir, '--kind', 'files', '--name', 'busy'], { home: suite.home });
  assert.equal(again.code, 1);
  assert.match(again.stderr, /folder '.*busy' is not empty/);
  assert.match(again.stderr, /code: CONFLICT/);
  assert.doesNotMatch(await readFile(join(dir, 'Dockerfile'), 'utf8'), /files\)/, 'nothing was overwritten');
  assert.equal(
    (await dam(['init', dir, '--kind', 'files', '--name', 'busy', '--force'], { home: suite.home })).code,
    0,
  );
  assert.match(await readFile(join(dir, 'Dockerfile'), 'utf8'), /\(files\)/);
  const bad = await dam(['init', join(suite.work, 'bad'), '--kind', 'daemon', '--json'], { home: suite.home });
  assert.equal(bad.code, 2);
  assert.equal(JSON.parse(bad.stdout).error.code, 'USAGE');
  assert.equal(await exists(join(suite.work, 'bad')), false);
});

test(
  'service: install starts a container named after the app that answers on the chosen port; remove leaves nothing',
  { skip },
  async () => {
    const port = await freePort();
    const name = await initAndInstall('service', { PORT: String(port) });
    try {
      let page = '';
      for (let i = 0; i < 50 && !page; i++) {
        page = await fetch(`http://127.0.0.1:${port}/`)
          .then((r) => r.text())
          .catch(() => '');
        if (!page) await new Promise((r) => setTimeout(r, 100));
      }
      assert.match(page, new RegExp(`<h1>${name} is running</h1>`));
      assert.equal(await gone(['volume', 'inspect', `dam-${name}-data`]), false, 'the data volume exists');
      const removed = await dam(['remove', name, '--json'], { home: suite.home });
      assert.equal(removed.code, 0, removed.stderr);
      assert.ok(await gone(['container', 'inspect', `dam-${name}`]), 'no container');
      assert.ok(await gone(['volume', 'inspect', `dam-${name}-data`]), 'no volume');
    } finally {
      await docker(['rm', '-f', `dam-${name}`]).catch(() => undefined);
      await docker(['volume', 'rm', '-f', `dam-${name}-data`]).catch(() => undefined);
    }
  },
);

test('tool: install puts a shim that runs the tool in a container; remove deletes that shim', { skip }, async () => {
  const bin = join(suite.work, 'bin');
  const name = await initAndInstall('tool', { DAM_BIN_DIR: bin });
  const shim = join(bin, name);
  const out = execFileSync(shim, ['a', 'b c'], { encoding: 'utf8' });
  assert.equal(out, `${name} runs in a container; arguments: a b c\n`);
  // An upgrade runs the old uninstall (the old shim goes) and the new install (the new shim comes).
  const dir = join(suite.work, name);
  assert.equal(
    (
      await dam(['create', dir, '--version', '0.2.0', '--quiet', ...suite.label], {
        home: suite.home,
        timeoutMs: 180_000,
      })
    ).code,
    0,
  );
  const upgraded = await dam(['upgrade', `${name}:0.2.0`, '--json'], { home: suite.home, env: { DAM_BIN_DIR: bin } });
  assert.equal(upgraded.code, 0, upgraded.stderr);
  assert.equal(JSON.parse(upgraded.stdout).to.version, '0.2.0');
  assert.match(await readFile(shim, 'utf8'), new RegExp(`${name}:0.2.0`));
  // uninstall finds the shim through the path install recorded, whatever DAM_BIN_DIR says now.
  const removed = await dam(['remove', name], {
    home: suite.home,
    env: { DAM_BIN_DIR: join(suite.work, 'elsewhere') },
  });
  assert.equal(removed.code, 0, removed.stderr);
  assert.deepEqual(await readdir(bin), [], 'no shim');
  assert.equal((await docker(['ps', '-aq', '--filter', `label=dam.app=${name}`])).stdout.trim(), '', 'no container');
});

test('files: install writes the configuration file; remove deletes it and the folder it made', { skip }, async () => {
  const confDir = join(suite.work, 'etc', 'conf');
  const name = await initAndInstall('files', { DAM_CONF_DIR: confDir });
  assert.equal(
    await readFile(join(confDir, `${name}.conf`), 'utf8'),
    `# Configuration of ${name} 0.1.0, written by \`dam install\`; \`dam remove\` deletes it.\ngreeting=hello from ${name}\n`,
  );
  const removed = await dam(['remove', name], { home: suite.home });
  assert.equal(removed.code, 0, removed.stderr);
  assert.equal(await exists(confDir), false, 'no file, no folder');
  assert.deepEqual(await readdir(join(suite.work, 'etc')), []);
});
