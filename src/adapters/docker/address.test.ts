import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDamError } from '../../core/errors.js';
import { parseDockerHost } from './address.js';
import { negotiateApiVersion } from './http.js';
import { splitReference } from './images.js';
import { registryAuthHeader } from './streams.js';

test('DOCKER_HOST: unix:// and tcp:// forms, and the default socket', () => {
  assert.deepEqual(parseDockerHost(undefined), {
    kind: 'unix',
    socketPath: '/var/run/docker.sock',
    display: 'unix:///var/run/docker.sock',
  });
  assert.deepEqual(parseDockerHost(''), parseDockerHost(undefined));
  assert.deepEqual(parseDockerHost('unix:///run/user/1000/docker.sock'), {
    kind: 'unix',
    socketPath: '/run/user/1000/docker.sock',
    display: 'unix:///run/user/1000/docker.sock',
  });
  assert.deepEqual(parseDockerHost('tcp://10.0.0.5:2376'), {
    kind: 'tcp',
    host: '10.0.0.5',
    port: 2376,
    display: 'tcp://10.0.0.5:2376',
  });
  assert.deepEqual(parseDockerHost('tcp://docker.corp'), {
    kind: 'tcp',
    host: 'docker.corp',
    port: 2375,
    display: 'tcp://docker.corp:2375',
  });
  assert.deepEqual(parseDockerHost('tcp://[::1]:2375'), {
    kind: 'tcp',
    host: '::1',
    port: 2375,
    display: 'tcp://[::1]:2375',
  });
});

test('DOCKER_HOST values DAM cannot use are refused, naming the value', () => {
  for (const bad of [
    'ssh://me@host',
    'npipe:////./pipe/docker_engine',
    'unix://relative.sock',
    'tcp://host:2375/path',
    '/var/run/docker.sock',
  ]) {
    assert.throws(
      () => parseDockerHost(bad),
      (e) => isDamError(e, 'USAGE') && e.message.includes(bad),
      bad,
    );
  }
});

test("the API version is the lower of the engine's and ours, 1.24 when the engine says nothing", () => {
  assert.equal(negotiateApiVersion('1.41'), '1.41');
  assert.equal(negotiateApiVersion('1.50'), '1.47');
  assert.equal(negotiateApiVersion('1.9'), '1.9');
  assert.equal(negotiateApiVersion(undefined), '1.24');
  assert.equal(negotiateApiVersion('garbage'), '1.24');
});

test('references split into repo and tag after the last slash', () => {
  assert.deepEqual(splitReference('127.0.0.1:5000/app:1.0'), { repo: '127.0.0.1:5000/app', tag: '1.0' });
  assert.deepEqual(splitReference('127.0.0.1:5000/app'), { repo: '127.0.0.1:5000/app' });
  assert.deepEqual(splitReference('busybox'), { repo: 'busybox' });
  assert.deepEqual(splitReference('team/web:2'), { repo: 'team/web', tag: '2' });
  assert.deepEqual(splitReference('web@sha256:abcd'), { repo: 'web', digest: 'sha256:abcd' });
});

test('X-Registry-Auth is padded base64url JSON, `{}` without credentials', () => {
  assert.equal(Buffer.from(registryAuthHeader(undefined), 'base64').toString(), '{}');
  const header = registryAuthHeader({ serveraddress: 'r:5000', username: 'u', password: 'p?>~~' });
  assert.match(header, /^[A-Za-z0-9_-]+=*$/);
  assert.equal(header.length % 4, 0);
  assert.deepEqual(JSON.parse(Buffer.from(header, 'base64url').toString()), {
    serveraddress: 'r:5000',
    username: 'u',
    password: 'p?>~~',
  });
});
