// DAM's own registry requests (search, remote info) go through HTTP_PROXY / HTTPS_PROXY as the docker
// client's do: a real proxy (tinyproxy) on loopback, registries served on a non-loopback address of this
// host (loopback never goes through a proxy), and the proxy's log read to see what went through it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dam, tempHome, uniqueName } from './harness/dam.js';
import { freePort, startPlainRegistry, startTlsRegistry, type TestRegistry } from './harness/registries.js';
import { seedRegistry } from './harness/seed.js';
import { externalAddress, proxyAvailable, startProxy, type TestProxy } from './harness/proxy.js';

const ip = externalAddress();
const skip = !proxyAvailable()
  ? 'tinyproxy is not installed (scripts/ensure-engine.sh installs it)'
  : !ip
    ? 'this host has no non-loopback IPv4 address to serve a registry on'
    : false;
const app = uniqueName('proxied');
const stops: Array<() => Promise<void>> = [];
let home: string;
let proxy: TestProxy;
let plain: TestRegistry;
let secure: TestRegistry;
let plainHost: string;
let secureHost: string;

const labels = { DAM_APP_FAMILY: 'proxied', DAM_APP_MULTIVERSION: 'false', DAM_APP_SERVERS: '' };
const without = (env: Record<string, string | undefined>) => ({
  HTTP_PROXY: undefined,
  HTTPS_PROXY: undefined,
  NO_PROXY: undefined,
  http_proxy: undefined,
  https_proxy: undefined,
  no_proxy: undefined,
  ...env,
});

before(async () => {
  if (skip) return;
  const h = await tempHome();
  home = h.home;
  stops.push(h.cleanup);
  proxy = await startProxy();
  stops.push(() => proxy.stop());
  [plain, secure] = await Promise.all([
    startPlainRegistry({ bind: '0.0.0.0' }),
    startTlsRegistry({ bind: '0.0.0.0', installCa: false }),
  ]);
  stops.push(
    () => plain.stop(),
    () => secure.stop(),
  );
  await Promise.all([
    seedRegistry(plain, { names: [app], tags: ['1.0'], labels }),
    seedRegistry(secure, { names: [app], tags: ['2.0'], labels }),
  ]);
  plainHost = plain.host.replace('127.0.0.1', ip ?? '');
  secureHost = secure.host.replace('127.0.0.1', ip ?? '');
  for (const args of [
    ['--name', 'plain', '--server', plainHost, '--insecure'],
    ['--name', 'secure', '--server', secureHost, '--insecure', '--username', secure.username ?? '', '--password-stdin'],
  ]) {
    const out = await dam(['addrepo', ...args], { home, input: secure.password, env: without({}) });
    assert.equal(out.code, 0, out.stderr);
  }
});

after(async () => {
  for (const stop of stops.reverse()) await stop();
});

async function logSince(mark: number): Promise<string> {
  return (await proxy.log()).slice(mark);
}

test('plain HTTP: search sends absolute-URI requests to HTTP_PROXY', { skip }, async () => {
  const mark = (await proxy.log()).length;
  const out = await dam(['search', '--repo', 'plain', app, '--json'], {
    home,
    env: without({ HTTP_PROXY: proxy.url }),
  });
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, new RegExp(app));
  assert.match(
    await logSince(mark),
    new RegExp(`GET http://${plainHost.replace(/\./g, '\\.')}/v2/`),
    'the catalog request went through the proxy',
  );
});

test(
  'HTTPS: search and remote info tunnel through HTTPS_PROXY with CONNECT (lower case, no scheme)',
  { skip },
  async () => {
    const mark = (await proxy.log()).length;
    const env = without({ https_proxy: `127.0.0.1:${proxy.port}` });
    const out = await dam(['search', '--repo', 'secure', app, '--json'], { home, env });
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /"2\.0"/);
    // The seeded image has no /meta: info gets that far only after reading its manifest, config and layer.
    const info = await dam(['info', `${secureHost}/${app}:2.0`], { home, env });
    assert.match(info.stderr, /has no \/meta folder/);
    const log = await logSince(mark);
    assert.match(
      log,
      new RegExp(`CONNECT ${secureHost.replace(/\./g, '\\.')} `),
      'the registry was reached through a CONNECT tunnel',
    );
    assert.doesNotMatch(log, /GET https?:/, 'nothing went to the proxy in the clear');
  },
);

test('NO_PROXY (a CIDR, or host:port) sends the requests directly', { skip }, async () => {
  for (const noProxy of [`${ip}/32`, plainHost]) {
    const mark = (await proxy.log()).length;
    const out = await dam(['search', '--repo', 'plain', app], {
      home,
      env: without({ HTTP_PROXY: proxy.url, NO_PROXY: `other.example,${noProxy}` }),
    });
    assert.equal(out.code, 0, out.stderr);
    assert.doesNotMatch(await logSince(mark), new RegExp(plainHost.replace(/\./g, '\\.')), noProxy);
  }
});

test('a proxy that does not answer fails the request, naming the proxy and the variable', { skip }, async () => {
  const dead = `http://127.0.0.1:${await freePort()}`;
  const out = await dam(['search', '--repo', 'secure', app], { home, env: without({ HTTPS_PROXY: dead }) });
  assert.equal(out.code, 1, out.stderr);
  assert.match(out.stderr, new RegExp(`through the proxy ${dead.replace(/\./g, '\\.')} \\(from HTTPS_PROXY\\)`));
  assert.match(out.stderr, /NO_PROXY/);
});

test('loopback registries never go through the proxy, as in Go', { skip }, async () => {
  const dead = `http://127.0.0.1:${await freePort()}`;
  const h = await tempHome();
  try {
    assert.equal(
      (await dam(['addrepo', '--name', 'lo', '--server', plain.host], { home: h.home, env: without({}) })).code,
      0,
    );
    const out = await dam(['search', '--repo', 'lo', app], {
      home: h.home,
      env: without({ HTTP_PROXY: dead, HTTPS_PROXY: dead }),
    });
    assert.equal(out.code, 0, out.stderr);
  } finally {
    await h.cleanup();
  }
});

test('an unusable proxy setting is a usage error (exit 2) naming the variable', { skip }, async () => {
  const out = await dam(['search', '--repo', 'plain', app], {
    home,
    env: without({ HTTP_PROXY: 'socks5://127.0.0.1:1080' }),
  });
  assert.equal(out.code, 2, out.stderr);
  assert.match(out.stderr, /HTTP_PROXY 'socks5:\/\/127\.0\.0\.1:1080'/);
});
