// The machine contract: every command that takes --json has a schema in docs/schemas/, and every schema
// compiles, names its file in its $id and declares schemaVersion (docs/schemas/README.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMANDS } from './commands.js';
import { schemaFiles, schemaValidators } from '../../test/harness/json-schemas.js';

test('every command that accepts --json has a schema in docs/schemas/', () => {
  const files = schemaFiles();
  const missing = COMMANDS.filter((c) => c.json && !files.has(c.name)).map((c) => `docs/schemas/${c.name}.schema.json`);
  assert.deepEqual(missing, [], 'add a schema for each (docs/schemas/README.md says how)');
});

test('every schema compiles, open and closed, and every command schema requires schemaVersion', () => {
  for (const strict of [false, true]) assert.ok(schemaValidators(strict).size > 0);
  for (const [name, schema] of schemaFiles()) {
    assert.equal(schema.$id, `https://dam.dev/schemas/${name}.schema.json`, name);
    if (name === 'defs' || name === 'error') continue;
    assert.match(JSON.stringify(schema), /"schemaVersion":\{"const":\d+/, `${name} declares schemaVersion`);
  }
});

test('the error shape and a versioned output validate; an undocumented field does not', () => {
  const v = schemaValidators();
  assert.equal(v.get('error')?.({ error: { code: 'NOT_FOUND', message: 'm', hint: null } }), true);
  assert.equal(v.get('error')?.({ error: { code: 'NOT_FOUND', message: 'm' } }), false);
  const repo = {
    schemaVersion: 1,
    id: 1,
    name: 'r',
    server: 's',
    default: true,
    username: null,
    hasPassword: false,
    insecure: false,
    caFile: null,
  };
  assert.equal(v.get('listrepos')?.([repo]), true);
  assert.equal(v.get('listrepos')?.([{ ...repo, extra: 1 }]), false);
  assert.equal(v.get('listrepos')?.([{ ...repo, schemaVersion: 2 }]), false);
});
