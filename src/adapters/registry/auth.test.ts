import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenCache, isLoopbackHost, mayReceiveCredentials, parseChallenge } from './auth.js';

test('WWW-Authenticate challenges', () => {
  const cases: [string | undefined, ReturnType<typeof parseChallenge>][] = [
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/nginx:pull',
        },
      },
    ],
    ['Basic realm="Registry Realm"', { scheme: 'basic', params: { realm: 'Registry Realm' } }],
    ['bearer realm=https://x/t, service=svc', { scheme: 'bearer', params: { realm: 'https://x/t', service: 'svc' } }],
    [
      'Bearer realm="a\\"b",scope="repository:a:pull,push"',
      { scheme: 'bearer', params: { realm: 'a"b', scope: 'repository:a:pull,push' } },
    ],
    ['Negotiate abc', undefined],
    [undefined, undefined],
  ];
  for (const [header, expected] of cases) assert.deepEqual(parseChallenge(header), expected, header);
});

test('loopback hosts', () => {
  for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1']) assert.ok(isLoopbackHost(h), h);
  for (const h of ['10.0.0.1', 'localhost.example.com', '128.0.0.1', 'registry']) assert.ok(!isLoopbackHost(h), h);
});

test('credentials go to a token realm only over HTTPS, or plain HTTP on the same or a loopback host of a plain registry', () => {
  const cases: [string, string, boolean][] = [
    ['https://auth.example.com/token', 'https://registry.example.com', true],
    ['http://auth.example.com/token', 'https://registry.example.com', false],
    ['http://registry.example.com:5001/token', 'https://registry.example.com', false],
    ['http://registry.lab:5001/token', 'http://registry.lab:5000', true],
    ['http://127.0.0.1:9000/token', 'http://registry.lab:5000', true],
    ['http://other.lab/token', 'http://registry.lab:5000', false],
    ['ftp://registry.lab/token', 'http://registry.lab', false],
  ];
  for (const [realm, registry, expected] of cases)
    assert.equal(mayReceiveCredentials(new URL(realm), new URL(registry)), expected, `${realm} for ${registry}`);
});

test('tokens are cached per scope, shared by concurrent callers, and renewed when expired', async () => {
  const cache = new TokenCache();
  let fetched = 0;
  const fetch = async () => ({ value: `t${++fetched}`, expiresAt: 1000 });
  const [a, b] = await Promise.all([cache.get('s1', fetch, 0), cache.get('s1', fetch, 0)]);
  assert.equal(a, 't1');
  assert.equal(b, 't1');
  assert.equal(await cache.get('s2', fetch, 0), 't2');
  assert.equal(await cache.get('s1', fetch, 2000), 't3', 'expired');
  await assert.rejects(
    cache.get(
      's3',
      async () => {
        throw new Error('boom');
      },
      0,
    ),
  );
  assert.equal(await cache.get('s3', fetch, 0), 't4', 'a failed fetch is not cached');
});
