// The engine address comes from DOCKER_HOST, else the Docker context (DOCKER_CONTEXT, else currentContext
// in config.json, with the docker CLI's context store), else the default socket, as the docker CLI does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dam, tempHome } from './harness/dam.js';
import { engineAvailable } from './harness/engine.js';

const skip = !(await engineAvailable()) && 'no Docker engine answers';
const REAL = process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
let dir: string;
let home: string;
let cleanupHome: () => Promise<void>;
let nowhere: string;

async function writeContext(config: string, name: string, host: string): Promise<void> {
  const meta = join(config, 'contexts', 'meta', createHash('sha256').update(name).digest('hex'));
  await mkdir(meta, { recursive: true });
  await writeFile(
    join(meta, 'meta.json'),
    JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }),
  );
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'damtest-context-'));
  ({ home, cleanup: cleanupHome } = await tempHome());
  nowhere = `unix://${join(dir, 'nowhere.sock')}`;
  // A user's ~/.docker: the current context is 'elsewhere', an engine that does not exist.
  await mkdir(join(dir, 'user', '.docker'), { recursive: true });
  await writeFile(
    join(dir, 'user', '.docker', 'config.json'),
    JSON.stringify({ auths: {}, currentContext: 'elsewhere' }),
  );
  await writeContext(join(dir, 'user', '.docker'), 'elsewhere', nowhere);
  await writeContext(join(dir, 'user', '.docker'), 'real', REAL);
});

after(async () => {
  await cleanupHome();
  await rm(dir, { recursive: true, force: true });
});

const userEnv = (extra: Record<string, string | undefined> = {}) => ({
  HOME: join(dir, 'user'),
  DOCKER_CONFIG: undefined,
  DOCKER_HOST: undefined,
  DOCKER_CONTEXT: undefined,
  ...extra,
});

async function engineOf(
  env: Record<string, string | undefined>,
): Promise<{ address: string | null; source: string; answers: boolean; error: string | null }> {
  const out = await dam(['version', '--json'], { home, env });
  assert.equal(out.code, 0, out.stderr);
  return JSON.parse(out.stdout).engine;
}

test('currentContext in ~/.docker/config.json picks the engine', { skip }, async () => {
  const engine = await engineOf(userEnv());
  assert.deepEqual([engine.address, engine.source, engine.answers], [nowhere, "context 'elsewhere'", false]);
  // A command that needs the engine goes there too, and says where it tried.
  const out = await dam(['info', 'nosuchapp:1.0'], { home, env: userEnv() });
  assert.equal(out.code, 1);
  assert.match(out.stderr, new RegExp(nowhere.replace(/[.]/g, '\\.')));
});

test('DOCKER_CONTEXT wins over currentContext; DOCKER_CONFIG moves the store', { skip }, async () => {
  const engine = await engineOf(userEnv({ DOCKER_CONTEXT: 'real' }));
  assert.deepEqual([engine.address, engine.source, engine.answers], [REAL, "context 'real'", true]);
  const moved = await engineOf({
    HOME: '/nonexistent',
    DOCKER_CONFIG: join(dir, 'user', '.docker'),
    DOCKER_HOST: undefined,
    DOCKER_CONTEXT: 'real',
  });
  assert.equal(moved.answers, true);
});

test("DOCKER_HOST wins over every context; 'default' means the default socket", { skip }, async () => {
  const viaHost = await engineOf(userEnv({ DOCKER_HOST: REAL, DOCKER_CONTEXT: 'elsewhere' }));
  assert.deepEqual([viaHost.address, viaHost.source, viaHost.answers], [REAL, 'DOCKER_HOST', true]);
  const byDefault = await engineOf(userEnv({ DOCKER_CONTEXT: 'default' }));
  assert.deepEqual([byDefault.address, byDefault.source], ['unix:///var/run/docker.sock', 'default']);
});

test('a context that does not exist is a usage error naming it', { skip }, async () => {
  const out = await dam(['info', 'nosuchapp:1.0'], { home, env: userEnv({ DOCKER_CONTEXT: 'gone' }) });
  assert.equal(out.code, 2, out.stderr);
  assert.match(out.stderr, /The Docker context 'gone' \(from DOCKER_CONTEXT\) does not exist/);
  assert.match(out.stderr, /docker context ls/);
});
