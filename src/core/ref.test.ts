import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRef, resolveAppRef, formatRef, appNameOf } from './ref.js';
import { isDamError } from './errors.js';

test('references follow Docker rules, not DAM 1.x splitting', () => {
  const cases: Array<[string, string | undefined, string, string]> = [
    ['ubuntu:16.04', undefined, 'ubuntu', '16.04'],
    ['bitnami/redis:7.0', undefined, 'bitnami/redis', '7.0'],
    ['localhost:5000/ubuntu:18.04', 'localhost:5000', 'ubuntu', '18.04'],
    ['localhost/my-app:1.0.7', 'localhost', 'my-app', '1.0.7'],
    ['docker.io/library/ubuntu:14.04', 'docker.io', 'library/ubuntu', '14.04'],
    ['127.0.0.1:5000/team/web:1.0', '127.0.0.1:5000', 'team/web', '1.0'],
  ];
  for (const [text, registry, path, tag] of cases) {
    const ref = parseRef(text);
    assert.deepEqual([ref.registry, ref.path, ref.tag], [registry, path, tag], text);
    assert.equal(formatRef(ref), text);
  }
  assert.equal(appNameOf(parseRef('127.0.0.1:5000/team/web:1.0')), 'web');
});

test('bad references are refused with the reason', () => {
  for (const text of ['', 'e6fd610e2aa8', 'web', 'Web:1', 'web:', 'a b:1', 'web@sha256:abc', 'web:-1']) {
    assert.throws(
      () => parseRef(text),
      (e) => isDamError(e, 'INVALID_REFERENCE'),
      text,
    );
  }
});

test('a bare name:version resolves against the default repo prefix', () => {
  assert.equal(formatRef(resolveAppRef('web:1.0', '127.0.0.1:5000/')), '127.0.0.1:5000/web:1.0');
  assert.equal(formatRef(resolveAppRef('web:1.0', '')), 'web:1.0');
  assert.equal(formatRef(resolveAppRef('other:5000/web:1.0', '127.0.0.1:5000/')), 'other:5000/web:1.0');
});
