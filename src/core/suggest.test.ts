import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeNames, editDistance } from './suggest.js';

test('edit distance counts a swap of neighbours as one edit', () => {
  assert.equal(editDistance('wbe', 'web'), 1);
  assert.equal(editDistance('web', 'web'), 0);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('kitten', 'sitting'), 3);
});

test('close names: nearest first, prefixes count, far ones and the name itself do not', () => {
  assert.deepEqual(closeNames('wbe', ['web', 'db', 'wbe', 'webapp', 'zzz']), ['web']);
  assert.deepEqual(closeNames('web', ['webapp', 'wed', 'cache']), ['wed', 'webapp']);
  assert.deepEqual(closeNames('postgress', ['postgres', 'redis']), ['postgres']);
  assert.deepEqual(closeNames('a', ['b', 'c', 'd', 'e'], 2), ['b', 'c']);
});
