import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseState, serializeState } from './state-format.js';
import { initialState } from './state.js';
import { isDamError } from './errors.js';

test('format 1 round-trips', () => {
  const s = initialState();
  assert.deepEqual(parseState(serializeState(s), 'state.json'), s);
});

test('a damaged state names the file and the field, and is never reset', () => {
  const cases: Array<[string, RegExp]> = [
    ['{"format":1', /not valid JSON/],
    ['{"format":1,"repos":{},"apps":[],"nextRepoId":2,"nextAppId":0}', /repos or apps is not a list/],
    [
      '{"format":1,"repos":[{"id":1,"name":"official","server":"x","isDefault":false}],"apps":[],"nextRepoId":2,"nextAppId":0}',
      /not exactly one repository is the default/,
    ],
    ['{"format":1,"repos":[{"id":"1"}],"apps":[],"nextRepoId":2,"nextAppId":0}', /repos\[0\]\.id/],
  ];
  for (const [text, why] of cases) {
    assert.throws(
      () => parseState(text, '/x/state.json'),
      (e) => isDamError(e, 'STATE_CORRUPT') && /\/x\/state\.json/.test(e.message) && why.test(e.message),
      text,
    );
  }
});

test('a state from a newer DAM is refused, not misread', () => {
  assert.throws(
    () => parseState('{"format":99}', 's'),
    (e) => isDamError(e, 'STATE_TOO_NEW'),
  );
});
