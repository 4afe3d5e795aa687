import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DamError } from '../core/errors.js';
import type { InputFiles } from '../core/ports/host.js';
import { namesFile } from './info.js';

/** Input files where only `present` exist; checkRegular refuses anything not regular, and records the call. */
function files(present: Record<string, 'regular' | 'other'>): InputFiles & { checked: string[] } {
  const checked: string[] = [];
  return {
    checked,
    kindOf: async (path) => present[path],
    checkRegular: async (path) => {
      checked.push(path);
      if (present[path] !== 'regular') throw new DamError('USAGE', `'${path}' is not a regular file.`, 'Give a file.');
    },
    readText: async () => '',
    typeOf: async () => undefined,
  };
}

test('an existing regular file is described as a file, without a second check', async () => {
  const f = files({ '/w/product.bundle': 'regular' });
  assert.equal(await namesFile(f, 'product.bundle', '/w/product.bundle'), true);
  assert.deepEqual(f.checked, []);
});

test('a folder named like a path is refused by what it is, not read', async () => {
  const f = files({ '/w/dir.d': 'other' });
  await assert.rejects(
    namesFile(f, 'dir.d', '/w/dir.d'),
    (err: unknown) => err instanceof DamError && err.code === 'USAGE',
  );
  assert.deepEqual(f.checked, ['/w/dir.d']);
});

test('a folder named like an app does not hide the app', async () => {
  assert.equal(await namesFile(files({ '/w/web': 'other' }), 'web', '/w/web'), false);
});

test('a missing file path is NOT_FOUND naming it; a reference is an app', async () => {
  await assert.rejects(
    namesFile(files({}), './gone.bundle', '/w/gone.bundle'),
    (err: unknown) => err instanceof DamError && err.code === 'NOT_FOUND' && err.message.includes('./gone.bundle'),
  );
  assert.equal(await namesFile(files({}), 'web:1.0', '/w/web:1.0'), false);
  assert.equal(await namesFile(files({}), '', '/w'), false);
});
