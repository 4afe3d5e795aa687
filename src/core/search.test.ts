import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareNames, maskMatcher, maskQuery, parseVersionLike, sortTags, validateMask } from './search.js';
import { DamError } from './errors.js';

test('a mask matches names', () => {
  const cases: [string | undefined, string, boolean][] = [
    [undefined, 'anything', true],
    ['web', 'my-WEB-app', true],
    ['WEB', 'web', true],
    ['web', 'wbe', false],
    ['web*', 'website', true],
    ['web*', 'my-web', false],
    ['*web', 'my-web', true],
    ['team/*', 'team/api', true],
    ['*api', 'team/sub/api', true],
    ['a?c', 'abc', true],
    ['a?c', 'abbc', false],
    ['a.c', 'abc', false],
    ['a.c*', 'a.cd', true],
    ['(x)', 'a(x)b', true],
  ];
  for (const [mask, name, expected] of cases) assert.equal(maskMatcher(mask)(name), expected, `${mask} vs ${name}`);
});

test('invalid masks are refused with a hint', () => {
  for (const mask of ['', 'a b', 'x'.repeat(129), 'a\u0007']) {
    assert.throws(
      () => validateMask(mask),
      (e: unknown) => e instanceof DamError && e.code === 'USAGE' && e.hint !== undefined,
    );
  }
  assert.equal(validateMask('web*'), 'web*');
});

test('the server query is the longest literal part of the mask', () => {
  assert.equal(maskQuery('nginx'), 'nginx');
  assert.equal(maskQuery('*ngi?x-proxy*'), 'x-proxy');
  assert.equal(maskQuery('*'), '');
});

test('version-like tags', () => {
  const cases: [string, boolean][] = [
    ['1', true],
    ['16.04', true],
    ['v2.1.3', true],
    ['3.4-alpine', true],
    ['1.0.0-rc.1+b5', true],
    ['latest', false],
    ['alpine', false],
    ['1.2.3.4.5', false],
    ['stable-1.0', false],
  ];
  for (const [tag, expected] of cases) assert.equal(parseVersionLike(tag) !== undefined, expected, tag);
});

test('tags: real strings, versions newest first, other tags after', () => {
  const cases: [string[], string[]][] = [
    [
      ['16.04', '18.04', '20.04', 'latest'],
      ['20.04', '18.04', '16.04', 'latest'],
    ],
    [
      ['1.9', '1.10', '1.10.1'],
      ['1.10.1', '1.10', '1.9'],
    ],
    [
      ['latest', 'alpine', 'edge'],
      ['alpine', 'edge', 'latest'],
    ],
    [
      ['1.0', '1.0.0', 'v1'],
      ['1.0.0', '1.0', 'v1'],
    ],
    [
      ['2.0.0-rc.1', '2.0.0', '2.0.0-beta', '2.0.0-rc.2', '1.9'],
      ['2.0.0', '2.0.0-rc.2', '2.0.0-rc.1', '2.0.0-beta', '1.9'],
    ],
    [
      ['3.4-alpine', '3.4', '3.5-alpine'],
      ['3.5-alpine', '3.4', '3.4-alpine'],
    ],
    [
      ['1.0.0-1', '1.0.0-x'],
      ['1.0.0-x', '1.0.0-1'],
    ],
    [
      ['b', 'a', 'b'],
      ['a', 'b'],
    ],
    [[], []],
  ];
  for (const [input, expected] of cases) {
    assert.deepEqual(sortTags(input), expected, input.join(','));
    assert.deepEqual(sortTags([...input].reverse()), expected, `reversed ${input.join(',')}`);
  }
});

test('names sort case-insensitively with a stable tie-break', () => {
  assert.deepEqual(['b', 'B', 'a', 'C'].sort(compareNames), ['a', 'B', 'b', 'C']);
});
