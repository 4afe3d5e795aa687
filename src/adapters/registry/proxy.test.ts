import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDamError } from '../../core/errors.js';
import { proxyFor, proxySettings } from './proxy.js';

const via = (env: NodeJS.ProcessEnv, url: string) => proxyFor(proxySettings(env), new URL(url))?.proxy.href;

test('https URLs use HTTPS_PROXY, http URLs HTTP_PROXY; upper case first; no scheme means http://', () => {
  const env = { HTTPS_PROXY: 'proxy.corp:3128', http_proxy: 'http://p2:8080', HTTP_PROXY: 'http://p1:8080' };
  assert.equal(via(env, 'https://registry.corp/v2/'), 'http://proxy.corp:3128/');
  assert.equal(via(env, 'http://registry.corp/v2/'), 'http://p1:8080/');
  assert.equal(via({ https_proxy: 'http://low:1' }, 'https://r.corp/'), 'http://low:1/');
  assert.equal(via({ HTTP_PROXY: 'http://p:1' }, 'https://r.corp/'), undefined);
});

test('localhost and loopback addresses never go through a proxy', () => {
  const env = { HTTPS_PROXY: 'http://p:1', HTTP_PROXY: 'http://p:1' };
  for (const url of ['http://localhost:5000/', 'https://127.0.0.1:5000/', 'http://127.8.0.1/', 'https://[::1]:5000/'])
    assert.equal(via(env, url), undefined, url);
  assert.equal(via(env, 'http://10.0.0.5:5000/'), 'http://p:1/');
});

test('NO_PROXY: *, domains with and without a leading dot, ports, IPs and CIDRs', () => {
  const proxied = (noProxy: string, url: string) =>
    via({ HTTPS_PROXY: 'http://p:1', HTTP_PROXY: 'http://p:1', NO_PROXY: noProxy }, url) !== undefined;
  assert.equal(proxied('*', 'https://any.where/'), false);
  assert.equal(proxied('corp.example', 'https://corp.example/'), false);
  assert.equal(proxied('corp.example', 'https://reg.corp.example/'), false);
  assert.equal(proxied('corp.example', 'https://notcorp.example/'), true);
  assert.equal(proxied('.corp.example', 'https://corp.example/'), true);
  assert.equal(proxied('*.corp.example', 'https://a.corp.example/'), false);
  assert.equal(proxied('corp.example:5000', 'https://reg.corp.example:5000/'), false);
  assert.equal(proxied('corp.example:5000', 'https://reg.corp.example/'), true);
  assert.equal(proxied('CORP.example', 'https://Reg.Corp.Example/'), false);
  assert.equal(proxied('10.1.2.3', 'http://10.1.2.3:5000/'), false);
  assert.equal(proxied('10.1.2.3:80', 'http://10.1.2.3/'), false);
  assert.equal(proxied('10.1.2.3:81', 'http://10.1.2.3/'), true);
  assert.equal(proxied('10.0.0.0/8, other', 'http://10.200.0.1:5000/'), false);
  assert.equal(proxied('10.0.0.0/8', 'http://11.0.0.1/'), true);
  assert.equal(proxied('[fd00::1]:443', 'https://[fd00::1]/'), false);
});

test('a proxy DAM cannot use is a usage error naming the variable', () => {
  assert.throws(
    () => proxySettings({ HTTPS_PROXY: 'socks5://p:1080' }),
    (e) => isDamError(e, 'USAGE') && e.message.includes('HTTPS_PROXY'),
  );
  assert.throws(
    () => proxySettings({ http_proxy: 'http://' }),
    (e) => isDamError(e, 'USAGE') && e.message.includes('http_proxy'),
  );
});
