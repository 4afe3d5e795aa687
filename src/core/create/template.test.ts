import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTemplate, templateTarget } from './template.js';

const vars = {
  DAM_APP_NAME: 'web',
  DAM_APP_VERSION: '1.0',
  PORT: '8080',
  NESTED: '${DAM_APP_NAME}',
  DAM_EMPTY: '',
  'SPACED ': 'sp',
};

test('templates render as 1.x for known keys, once, and keep the rest', () => {
  const cases: [string, string][] = [
    ['echo ${DAM_APP_NAME} ${DAM_APP_VERSION}\n', 'echo web 1.0\n'],
    ['${DAM_APP_NAME}${DAM_APP_NAME}', 'webweb'],
    ['port=${PORT}', 'port=8080'],
    ['$DAM_APP_NAME ${HOME} ${1}', '$DAM_APP_NAME ${HOME} ${1}'],
    ['${NESTED}', '${DAM_APP_NAME}'],
    ['tag=${DAM_APP_TAG:-${DAM_APP_NAME}}', 'tag=${DAM_APP_TAG:-web}'],
    ['a\r\nb ${PORT}\r\n', 'a\r\nb 8080\r\n'],
    ['no newline at end ${PORT}', 'no newline at end 8080'],
    ['${SPACED }', 'sp'],
    ['', ''],
  ];
  for (const [text, want] of cases) assert.equal(renderTemplate(text, vars).text, want, JSON.stringify(text));
});

test('DAM_ placeholders without a value are reported, others are not', () => {
  const out = renderTemplate('${DAM_NOPE} ${DAM_NOPE} ${OTHER} ${DAM_EMPTY} ${DAM_BIN_DIR:-/usr/local/bin}', vars);
  assert.equal(out.text, '${DAM_NOPE} ${DAM_NOPE} ${OTHER}  ${DAM_BIN_DIR:-/usr/local/bin}');
  assert.deepEqual(out.missing, ['DAM_NOPE']);
  assert.deepEqual(out.empty, ['DAM_EMPTY']);
});

test('template targets', () => {
  assert.equal(templateTarget('meta/install.exp'), 'meta/install');
  assert.equal(templateTarget('meta/a/b.txt.exp'), 'meta/a/b.txt');
  assert.equal(templateTarget('meta/install'), undefined);
  assert.equal(templateTarget('meta/.exp'), undefined);
});
