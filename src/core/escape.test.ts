import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeControls } from './escape.js';

test('control characters, separators and bidi marks are escaped; the layout kept depends on the text', () => {
  const text = 'a\tb\nc\x1b[31md\x7fe\x85f\u2028g\u202eh\u2066i\x00';
  assert.equal(escapeControls(text), 'a\\x09b\\x0ac\\x1b[31md\\x7fe\\x85f\\u{2028}g\\u{202e}h\\u{2066}i\\x00');
  assert.equal(escapeControls(text, 'tab'), 'a\tb\\x0ac\\x1b[31md\\x7fe\\x85f\\u{2028}g\\u{202e}h\\u{2066}i\\x00');
  assert.equal(escapeControls(text, 'lines'), 'a\tb\nc\\x1b[31md\\x7fe\\x85f\\u{2028}g\\u{202e}h\\u{2066}i\\x00');
});

test('ordinary text, accents, emoji and right-to-left letters pass unchanged', () => {
  for (const s of ['', 'web:1.0', 'café ☕ 🚀', 'שלום', 'a\\x1b (already escaped)'])
    assert.equal(escapeControls(s, 'none'), s);
  assert.equal(escapeControls('\r\n', 'lines'), '\\x0d\n', 'a carriage return could overwrite the line');
});
