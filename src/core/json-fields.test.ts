import { test } from 'node:test';
import assert from 'node:assert/strict';
import { at, fieldReader } from './json-fields.js';

const read = fieldReader((path, problem) => {
  throw new Error(`${path} ${problem}`);
});
const fails = (fn: () => unknown, message: string) => assert.throws(fn, { message });

test('paths name the field: keys with dots, indexes in brackets, the top as the bare key', () => {
  assert.equal(at('', 'apps'), 'apps');
  assert.equal(at(at('apps', 3), 'version'), 'apps[3].version');
});

test('each check names the full path of the wrong field', () => {
  const state = { apps: [{ version: 3 }], n: -1, m: 1.5, x: 'a' };
  fails(
    () => read.string(read.object(read.list(state.apps, 'apps')[0], 'apps[0]'), 'version', 'apps[0]'),
    'apps[0].version is not a string',
  );
  fails(() => read.whole(state, 'n', ''), 'n is not a whole number in range');
  fails(() => read.whole(state, 'm', 'top'), 'top.m is not a whole number in range');
  fails(() => read.whole({ n: 5 }, 'n', '', 4), 'n is not a whole number in range');
  fails(() => read.number({ n: 'x' }, 'n', 'a'), 'a.n is not a number');
  fails(() => read.object([], 'the file'), 'the file is not an object');
  fails(() => read.object({ a: 1, b: 2 }, 'idx', ['a']), 'idx.b is not a known field');
  fails(() => read.list({}, 'apps'), 'apps is not a list');
  fails(() => read.string({ x: 'ab' }, 'x', 'p', /^a$/), "p.x 'ab' is not in the expected form");
  fails(() => read.stringMap({ k: 1 }, 'passwords'), 'passwords.k is not a string');
  fails(() => read.stringList(['a', 2], 'tags'), 'tags[1] is not a string');
});

test('good values come back as they are; optional strings may be absent or null', () => {
  assert.equal(read.string({ x: 'a' }, 'x', ''), 'a');
  assert.equal(read.optString({ x: null }, 'x', ''), undefined);
  assert.equal(read.optString({}, 'x', ''), undefined);
  assert.equal(read.whole({ n: 0 }, 'n', ''), 0);
  assert.equal(read.number({ n: -1.5 }, 'n', ''), -1.5);
  assert.deepEqual(read.stringMap({ a: 'b' }, ''), { a: 'b' });
  assert.deepEqual(read.stringList(['a'], ''), ['a']);
});
