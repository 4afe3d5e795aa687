import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type VariableSources, resolveVariables } from './variables.js';

const base: VariableSources = {
  flags: {},
  environmentFile: {},
  dockerfileEnv: {},
  processEnv: {},
  projectDirName: 'myproj',
  defaultServer: '',
};
const resolve = (over: Partial<VariableSources>) => resolveVariables({ ...base, ...over });

test('defaults: folder name, SNAPSHOT, family = name, not multiversion, Docker Hub servers', () => {
  const v = resolve({});
  assert.deepEqual(
    [v.name, v.version, v.family, v.multiversion, v.tag, v.servers],
    ['myproj', 'SNAPSHOT', 'myproj', false, 'myproj:SNAPSHOT', ','],
  );
});

test('precedence: flags, then ENVIRONMENT, then Dockerfile ENV, then DAM_* environment', () => {
  const all = { DAM_APP_NAME: 'x', DAM_APP_VERSION: '1' };
  const cases: [Partial<VariableSources>, string, string][] = [
    [{ processEnv: { DAM_APP_NAME: 'os' } }, 'os', 'SNAPSHOT'],
    [{ processEnv: { DAM_APP_NAME: 'os' }, dockerfileEnv: { DAM_APP_NAME: 'df' } }, 'df', 'SNAPSHOT'],
    [
      {
        processEnv: { DAM_APP_NAME: 'os' },
        dockerfileEnv: { DAM_APP_NAME: 'df' },
        environmentFile: { DAM_APP_NAME: 'ef' },
      },
      'ef',
      'SNAPSHOT',
    ],
    [{ processEnv: all, dockerfileEnv: all, environmentFile: all, flags: { name: 'fl', version: '9' } }, 'fl', '9'],
    // An empty flag does not override (1.x); an empty higher source does, and then the default applies.
    [{ environmentFile: { DAM_APP_NAME: 'ef' }, flags: { name: '' } }, 'ef', 'SNAPSHOT'],
    [{ environmentFile: { DAM_APP_NAME: '' }, dockerfileEnv: { DAM_APP_NAME: 'df' } }, 'myproj', 'SNAPSHOT'],
  ];
  for (const [over, name, version] of cases) {
    const v = resolve(over);
    assert.deepEqual([v.name, v.version], [name, version], JSON.stringify(over));
  }
});

test('family falls back to the name; the flag wins', () => {
  assert.equal(resolve({ flags: { name: 'web' } }).family, 'web');
  assert.equal(
    resolve({ flags: { name: 'web', family: 'servers' }, environmentFile: { DAM_APP_FAMILY: 'x' } }).family,
    'servers',
  );
  assert.equal(resolve({ dockerfileEnv: { DAM_APP_FAMILY: 'df' } }).family, 'df');
});

test('DAM_APP_MULTIVERSION comes from any source (1.x: only the flag)', () => {
  const cases: [Partial<VariableSources>, boolean][] = [
    [{ environmentFile: { DAM_APP_MULTIVERSION: 'true' } }, true],
    [{ dockerfileEnv: { DAM_APP_MULTIVERSION: 'TRUE' } }, true],
    [{ processEnv: { DAM_APP_MULTIVERSION: 'true' } }, true],
    [{ environmentFile: { DAM_APP_MULTIVERSION: 'true' }, flags: { multiversion: false } }, false],
    [{ environmentFile: { DAM_APP_MULTIVERSION: 'false' }, flags: { multiversion: true } }, true],
    [{ environmentFile: { DAM_APP_MULTIVERSION: '' } }, false],
  ];
  for (const [over, want] of cases) assert.equal(resolve(over).multiversion, want, JSON.stringify(over));
  assert.throws(
    () => resolve({ environmentFile: { DAM_APP_MULTIVERSION: 'yes' } }),
    /DAM_APP_MULTIVERSION is 'yes' \(from ENVIRONMENT\)/,
  );
});

test('DAM_APP_TAG is always computed from the default repo', () => {
  assert.equal(
    resolve({ flags: { name: 'web', version: '1.0' }, environmentFile: { DAM_APP_TAG: 'ignored:1' } }).tag,
    'web:1.0',
  );
  const v = resolve({ flags: { name: 'web', version: '1.0' }, defaultServer: 'localhost:5000' });
  assert.equal(v.tag, 'localhost:5000/web:1.0');
  assert.equal(v.vars.DAM_APP_TAG, 'localhost:5000/web:1.0');
});

test('DAM_APP_SERVERS: supplied value plus the default repo, normalised (1.x examples)', () => {
  const cases: [string | undefined, string, string][] = [
    [undefined, '', ','],
    [undefined, 'localhost:5000', 'localhost:5000'],
    ['localhost:5000,', '', 'localhost:5000,'],
    ['test,,test3', 'test', 'test,test3,'],
  ];
  for (const [supplied, server, want] of cases) {
    const environmentFile: Record<string, string> = supplied === undefined ? {} : { DAM_APP_SERVERS: supplied };
    assert.equal(resolve({ environmentFile, defaultServer: server }).servers, want, `${supplied} + ${server}`);
  }
});

test('the template variables hold every source and the resolved reserved values', () => {
  const v = resolve({
    environmentFile: { PORT: '80', DAM_APP_NAME: 'web' },
    processEnv: { DAM_EXTRA: 'e' },
    flags: { multiversion: true },
  });
  assert.deepEqual(v.vars, {
    PORT: '80',
    DAM_EXTRA: 'e',
    DAM_APP_NAME: 'web',
    DAM_APP_VERSION: 'SNAPSHOT',
    DAM_APP_FAMILY: 'web',
    DAM_APP_MULTIVERSION: 'true',
    DAM_APP_TAG: 'web:SNAPSHOT',
    DAM_APP_SERVERS: ',',
  });
});

test('names, versions and families are validated, naming the source', () => {
  const cases: [Partial<VariableSources>, RegExp][] = [
    [{ projectDirName: 'My Project' }, /app name 'My Project' is not valid \(from the project folder's name\)/],
    [{ flags: { name: 'a;b' } }, /app name 'a;b' is not valid \(from a flag\)/],
    [{ environmentFile: { DAM_APP_NAME: 'a/b' } }, /app name 'a\/b' is not valid \(from ENVIRONMENT\)/],
    [{ dockerfileEnv: { DAM_APP_VERSION: '1 0' } }, /version '1 0' is not valid \(from a Dockerfile ENV line\)/],
    [{ processEnv: { DAM_APP_FAMILY: 'f\u0007' } }, /family 'f\\x07' is not valid \(from the environment\)/],
    [{ flags: { name: 'Web' } }, /app name 'Web'/],
  ];
  for (const [over, re] of cases)
    assert.throws(
      () => resolve(over),
      (e: Error & { code?: string }) => re.test(e.message) && e.code === 'INVALID_NAME',
      JSON.stringify(over),
    );
});
