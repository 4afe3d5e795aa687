// The examples are safe to install twice (two state directories, one engine): each installation names its
// container and shim after DAM_INSTANCE and never replaces another's. What install saw of the user's DAM_*
// settings is recorded and given to uninstall, so `remove` without DAM_BIN_DIR still removes the shim.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { dam, tempHome, uniqueName, TEST_LABEL, type DamResult } from './harness/dam.js';
import { baseImage, engineAvailable } from './harness/engine.js';
import { freePort } from './harness/registries.js';
import { copyExample, docker, removeLabelled, tempDir } from './harness/projects.js';

const RUN = `opsex-${randomBytes(3).toString('hex')}`;
const skip = !(await engineAvailable()) && 'no Docker engine answers';
const web = uniqueName('exweb');
const hello = uniqueName('exhello');
const homes: Array<{ home: string; cleanup: () => Promise<void> }> = [];
let work: { dir: string; cleanup: () => Promise<void> };

before(async () => {
  if (skip) return;
  work = await tempDir('opsex');
  homes.push(await tempHome(), await tempHome());
  const base = await baseImage();
  for (const [example, name] of [
    ['web', web],
    ['hello-tool', hello],
  ] as const) {
    const dir = await copyExample(work.dir, example, example);
    const out = await dam(
      ['create', dir, '--name', name, '--build-arg', `BASE=${base}`, '--label', `${TEST_LABEL}=${RUN}`],
      { home: homes[0]?.home ?? '' },
    );
    assert.equal(out.code, 0, out.stderr);
  }
});

after(async () => {
  if (skip) return;
  for (const h of homes) for (const name of [web, hello]) await dam(['remove', name, '--force'], { home: h.home });
  const left = (await docker(['ps', '-aq', '--filter', `label=dam.app=${web}`])).stdout.split('\n').filter(Boolean);
  if (left.length) await docker(['rm', '-f', ...left]);
  await removeLabelled(RUN);
  for (const h of homes) await h.cleanup();
  await work.cleanup();
});

const run = (n: number, args: string[], env: Record<string, string> = {}): Promise<DamResult> =>
  dam(args, { home: homes[n]?.home ?? '', env });
const ok = async (n: number, args: string[], env: Record<string, string> = {}) => {
  const out = await run(n, args, env);
  assert.equal(out.code, 0, `${args.join(' ')}: ${out.stderr}`);
  return out;
};
const containers = async () =>
  (await docker(['ps', '--filter', `label=dam.app=${web}`, '--format', '{{.Names}}'])).stdout
    .split('\n')
    .filter(Boolean)
    .sort();

test(
  'examples/web installed under two state directories runs two containers; removing one leaves the other',
  { skip },
  async () => {
    await ok(0, ['install', `${web}:1.0`], { WEB_PORT: String(await freePort()) });
    await ok(1, ['install', `${web}:1.0`], { WEB_PORT: String(await freePort()) });
    const both = await containers();
    assert.equal(both.length, 2, `two containers, one per installation: ${both.join(', ')}`);
    assert.ok(both.every((n) => n.startsWith(`dam-${web}-`)));
    await ok(0, ['remove', web]);
    const left = await containers();
    assert.equal(left.length, 1, "the other installation's container still runs");
    await ok(1, ['remove', web]);
    assert.deepEqual(await containers(), []);
  },
);

test(
  'examples/hello-tool: remove without DAM_BIN_DIR removes the shim install put there; a second installation never takes over the shim',
  { skip },
  async () => {
    const bin = join(work.dir, 'bin');
    await ok(0, ['install', `${hello}:1.0`], { DAM_BIN_DIR: bin });
    const shim = join(bin, 'hello');
    await access(shim);
    const state = JSON.parse(await readFile(join(homes[0]?.home ?? '', 'state.json'), 'utf8')) as {
      apps: Array<{ name: string; scriptEnv?: Record<string, string> }>;
    };
    assert.equal(
      state.apps.find((a) => a.name === hello)?.scriptEnv?.DAM_BIN_DIR,
      bin,
      'the setting install saw is recorded',
    );

    const refused = await run(1, ['install', `${hello}:1.0`], { DAM_BIN_DIR: bin });
    assert.equal(refused.code, 1, 'the same shim of another installation is not overwritten');
    assert.match(refused.stderr, /belongs to another installation/);
    await ok(1, ['install', `${hello}:1.0`], { DAM_BIN_DIR: bin, DAM_HELLO_SHIM: 'hello2' });

    const removed = await ok(0, ['remove', hello], { DAM_BIN_DIR: join(work.dir, 'elsewhere') });
    assert.match(removed.stderr, new RegExp(`removed ${shim}`));
    await assert.rejects(access(shim), 'the shim is gone although DAM_BIN_DIR was not given to remove');
    await access(join(bin, 'hello2'));
    await ok(1, ['remove', hello]);
    await assert.rejects(access(join(bin, 'hello2')));
  },
);
