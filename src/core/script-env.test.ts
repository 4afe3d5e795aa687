import { test } from 'node:test';
import assert from 'node:assert/strict';
import { instanceName, scriptEnvironment, scriptSettings } from './script-env.js';

const app = { name: 'web', version: '2.0', tag: 'reg:5000/web:2.0', family: 'web' } as const;

test('scriptEnvironment: base environment minus secrets and DAM settings, plus DAM_APP_*', () => {
  const env = scriptEnvironment(
    {
      PATH: '/bin',
      HOME: '/root',
      LANG: 'C.UTF-8',
      TERM: 'xterm',
      DAM_HOME: '/x',
      DAM_FAULT_KILL_AT: 'x',
      DAM_BIN_DIR: '/opt/bin',
      DAM_APP_NAME: 'spoofed',
      DOCKER_AUTH_CONFIG: '{}',
      REGISTRY_AUTH: 'x',
      NPM_TOKEN: 't',
      DB_PASSWORD: 'p',
      AWS_SECRET: 's',
      DOCKER_HOST: 'unix:///var/run/docker.sock',
      EMPTY: undefined,
    },
    { ...app, action: 'install' },
  );
  assert.deepEqual(env, {
    PATH: '/bin',
    HOME: '/root',
    LANG: 'C.UTF-8',
    TERM: 'xterm',
    DAM_BIN_DIR: '/opt/bin',
    DOCKER_HOST: 'unix:///var/run/docker.sock',
    DAM_APP_NAME: 'web',
    DAM_APP_VERSION: '2.0',
    DAM_APP_TAG: 'reg:5000/web:2.0',
    DAM_APP_FAMILY: 'web',
    DAM_ACTION: 'install',
  });
});

test('scriptEnvironment: upgrade adds old and new versions; other actions never do', () => {
  const up = scriptEnvironment({ PATH: '/bin' }, { ...app, action: 'upgrade', oldVersion: '1.0', newVersion: '2.0' });
  assert.equal(up.DAM_OLD_VERSION, '1.0');
  assert.equal(up.DAM_NEW_VERSION, '2.0');
  const rm = scriptEnvironment({ PATH: '/bin' }, { ...app, action: 'remove', oldVersion: '1.0' });
  assert.equal(rm.DAM_ACTION, 'remove');
  assert.equal(rm.DAM_OLD_VERSION, undefined);
});

test('scriptEnvironment gives a PATH when the base has none', () => {
  assert.match(scriptEnvironment({}, { ...app, action: 'install' }).PATH ?? '', /\/usr\/bin/);
});

test("scriptSettings keeps the user's DAM_* values, never what DAM sets or hides; recorded settings win", () => {
  const base = {
    PATH: '/bin',
    DAM_BIN_DIR: '/opt/bin',
    DAM_HOME: '/x',
    DAM_APP_NAME: 'spoofed',
    DAM_ACTION: 'x',
    DAM_INSTANCE: 'x',
    DAM_TOKEN: 't',
    WEB_PORT: '80',
  };
  assert.deepEqual(scriptSettings(base), { DAM_BIN_DIR: '/opt/bin' });
  const env = scriptEnvironment(
    { PATH: '/bin', DAM_BIN_DIR: '/now' },
    { ...app, action: 'remove' },
    { DAM_BIN_DIR: '/then', DAM_INSTANCE: 'web-1' },
  );
  assert.equal(env.DAM_BIN_DIR, '/then');
  assert.equal(env.DAM_INSTANCE, 'web-1');
});

test('instanceName differs between installations of the same app', () => {
  assert.match(instanceName('web', '/a/apps/0/meta'), /^web-[0-9a-f]{8}$/);
  assert.notEqual(instanceName('web', '/a/apps/0/meta'), instanceName('web', '/b/apps/0/meta'));
});
