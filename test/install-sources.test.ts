// Where install gets an app from: a registry (pulled with the repo's credentials), the local cache, a
// Docker Hub name with a namespace, and --offline. Real registries from test/harness/registries.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dam, tempHome, uniqueName, type DamResult } from './harness/dam.js';
import { buildTestApp, removeTestImages } from './harness/apps.js';
import { testEngine } from './harness/engine.js';
import { startPlainRegistry, startTlsRegistry, type TestRegistry } from './harness/registries.js';

const app = uniqueName('pull');
let plain: TestRegistry;
let tls: TestRegistry;
let home: string;
let cleanup: () => Promise<void>;

async function publish(registry: TestRegistry, version: string): Promise<string> {
  const engine = testEngine();
  const local = await buildTestApp({ name: app, version });
  const remote = `${registry.host}/${app}:${version}`;
  await engine.tagImage(local, remote);
  const auth = registry.username
    ? { serveraddress: registry.host, username: registry.username, password: registry.password }
    : undefined;
  await engine.push(remote, { auth });
  await engine.removeImage(remote);
  await engine.removeImage(local);
  return remote;
}

before(async () => {
  ({ home, cleanup } = await tempHome());
  [plain, tls] = await Promise.all([startPlainRegistry(), startTlsRegistry()]);
  await publish(plain, '1.0');
  await publish(tls, '2.0');
});

after(async () => {
  await removeTestImages([app, `${plain.host}/${app}`, `${tls.host}/${app}`]);
  await Promise.all([plain.stop(), tls.stop(), cleanup()]);
});

const run = (args: string[], input?: string): Promise<DamResult> =>
  dam(args, { home, input, env: { DAMTEST_LOG: '/dev/null' } });

test('name:version is pulled from the default repo', async () => {
  assert.equal((await run(['addrepo', '--name', 'lab', '--server', plain.host, '--insecure', '--default'])).code, 0);
  const out = await run(['install', `${app}:1.0`]);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stderr, new RegExp(`Pulling ${plain.host}/${app}:1\\.0`));
  const list = JSON.parse((await run(['list', '--json'])).stdout) as Array<{ tag: string; repo: string }>;
  assert.deepEqual(
    list.map((a) => [a.tag, a.repo]),
    [[`${plain.host}/${app}:1.0`, 'lab']],
  );
  assert.equal((await run(['remove', app])).code, 0);
});

test('a full tag of an unconfigured registry is pulled and its repo added as auto0', async () => {
  const tag = `${plain.host}/${app}:1.0`;
  await testEngine()
    .removeImage(tag)
    .catch(() => undefined);
  assert.equal((await run(['removerepo', 'lab', '--force'])).code, 0);
  const out = await run(['install', tag]);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stderr, /Added repository 'auto0'/);
  const repos = JSON.parse((await run(['listrepos', '--json'])).stdout) as Array<{ name: string; server: string }>;
  assert.ok(repos.some((r) => r.name === 'auto0' && r.server === plain.host));
  assert.equal((await run(['remove', app])).code, 0);
});

test('a private registry with basic auth is pulled with the repo credentials, which never show', async () => {
  const add = await run(
    ['addrepo', '--name', 'secure', '--server', tls.host, '--username', tls.username ?? '', '--password-stdin'],
    tls.password,
  );
  assert.equal(add.code, 0, add.stderr);
  const out = await run(['install', `${tls.host}/${app}:2.0`]);
  assert.equal(out.code, 0, out.stderr);
  assert.ok(!(out.stdout + out.stderr).includes(tls.password ?? 'x'));
  assert.equal((await run(['remove', app])).code, 0);
});

test('a wrong password is a clear error naming the registry, and changes nothing', async () => {
  await testEngine()
    .removeImage(`${tls.host}/${app}:2.0`)
    .catch(() => undefined);
  const repos = JSON.parse((await run(['listrepos', '--json'])).stdout) as Array<{ id: number; name: string }>;
  const secure = repos.find((r) => r.name === 'secure');
  assert.ok(secure);
  assert.equal((await run(['modifyrepo', String(secure.id), '--password-stdin'], 'wrong-password')).code, 0);
  const out = await run(['install', `${tls.host}/${app}:2.0`]);
  assert.equal(out.code, 1);
  assert.match(out.stderr, new RegExp(`Cannot pull ${tls.host}/${app}:2\\.0`));
  assert.ok(!out.stderr.includes('wrong-password'));
  assert.deepEqual(JSON.parse((await run(['list', '--json'])).stdout), []);
});

test('--offline never pulls; a Docker Hub namespace is not taken for a registry', async () => {
  const out = await run(['install', '--offline', `${plain.host}/${app}:9.9`]);
  assert.equal(out.code, 1);
  assert.match(out.stderr, /not in the local Docker cache, and --offline forbids pulling it/);
  const hub = await run(['install', '--offline', 'someuser/someapp:1.0']);
  assert.equal(hub.code, 1);
  assert.match(hub.stderr, /someuser\/someapp:1\.0 is not in the local Docker cache/);
  const repos = JSON.parse((await run(['listrepos', '--json'])).stdout) as Array<{ server: string }>;
  assert.ok(!repos.some((r) => r.server === 'someuser'), 'no bogus repo for a Hub namespace (a DAM 1.x bug)');
});

test('an app missing from the registry is reported, and nothing is left behind', async () => {
  const out = await run(['install', `${plain.host}/${app}:7.7`]);
  assert.equal(out.code, 1);
  assert.match(out.stderr, new RegExp(`has the app '${app}' but not the version '7\\.7'`), 'said before any pull');
  assert.equal(await testEngine().inspectImage(`${plain.host}/${app}:7.7`), undefined);
});

test('upgrade NAME takes the newest version the repo has, and says when there is none', async () => {
  await publish(plain, '1.5');
  await testEngine()
    .removeImage(`${plain.host}/${app}:1.0`)
    .catch(() => undefined);
  assert.equal((await run(['install', `${plain.host}/${app}:1.0`])).code, 0);
  const out = await run(['upgrade', app]);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stderr, new RegExp(`Newest version in the repository: ${plain.host}/${app}:1\\.5`));
  const list = JSON.parse((await run(['list', '--json'])).stdout) as Array<{ version: string }>;
  assert.deepEqual(
    list.map((a) => a.version),
    ['1.5'],
  );
  const again = await run(['upgrade', app]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /is the newest version its repository has; nothing to do/);
  assert.equal((await run(['remove', app])).code, 0);
});
