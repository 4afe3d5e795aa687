// `dam version` and `--version` anywhere among the flags: DAM's, Node's and the platform's versions, and the
// engine DAM would use (`dam version` also asks it, with a short deadline).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dam, tempHome, ROOT } from './harness/dam.js';
import { engineAvailable, testEngine } from './harness/engine.js';

const skip = !(await engineAvailable()) && 'no Docker engine answers';
const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
let home: string;
let cleanup: () => Promise<void>;

before(async () => {
  ({ home, cleanup } = await tempHome());
});
after(async () => cleanup());

test('--version anywhere among the global flags, or after a command without a --version of its own', async () => {
  for (const args of [
    ['--version'],
    ['-V'],
    ['-x', '--version'],
    ['--quiet', '-V'],
    ['list', '--version'],
    ['--no-color', 'search', '--version'],
  ]) {
    const out = await dam(args, { home });
    assert.equal(out.code, 0, `${args.join(' ')}: ${out.stderr}`);
    assert.equal(
      out.stdout,
      `${version} (node ${process.version}, ${process.platform}/${process.arch}, engine ${process.env.DOCKER_HOST || 'unix:///var/run/docker.sock'})\n`,
      args.join(' '),
    );
  }
  // The harness puts `--home DIR` first, as in `dam --home D --version`.
  const create = await dam(['create', join(home, 'nosuch'), '--version', '1.0'], { home });
  assert.equal(create.code, 1, 'create keeps its own --version');
  assert.doesNotMatch(create.stdout, new RegExp(`^${version.replace(/\./g, '\\.')} \\(`));
});

test('dam version --json names the versions, the platform and the engine, which answers', { skip }, async () => {
  const out = await dam(['version', '--json'], { home });
  assert.equal(out.code, 0, out.stderr);
  const data = JSON.parse(out.stdout);
  const engine = await testEngine().info();
  assert.deepEqual(data, {
    schemaVersion: 1,
    dam: version,
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    engine: {
      address: process.env.DOCKER_HOST || 'unix:///var/run/docker.sock',
      source: process.env.DOCKER_HOST ? 'DOCKER_HOST' : 'default',
      answers: true,
      version: engine.version,
      apiVersion: engine.apiVersion,
      error: null,
    },
  });
  const text = await dam(['version'], { home });
  assert.match(
    text.stdout,
    new RegExp(`^DAM: +${version.replace(/\./g, '\\.')}\\nNode: +${process.version.replace(/\./g, '\\.')}\\n`),
  );
  assert.match(text.stdout, new RegExp(`Answers: +yes, version ${engine.version.replace(/[.+]/g, '\\$&')}`));
});

test('an engine that accepts and never answers: dam version says so within seconds, --version never asks', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'damtest-silent-'));
  const socket = join(dir, 'silent.sock');
  const server: Server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  try {
    const env = { DOCKER_HOST: `unix://${socket}` };
    const started = Date.now();
    const out = await dam(['version', '--json'], { home, env, timeoutMs: 20_000 });
    assert.equal(out.code, 0, out.stderr);
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
    const data = JSON.parse(out.stdout);
    assert.deepEqual(
      [data.engine.address, data.engine.answers, data.engine.version],
      [`unix://${socket}`, false, null],
    );
    assert.match(data.engine.error, /no answer within 3 s/);
    const quick = await dam(['--version'], { home, env });
    assert.match(quick.stdout, new RegExp(`engine unix://${socket.replace(/\./g, '\\.')} from DOCKER_HOST\\)\\n$`));
  } finally {
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
