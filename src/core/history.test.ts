import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HISTORY_FORMAT, parseHistoryLine } from './history.js';

const entry = { format: HISTORY_FORMAT, start: '2026-11-30T10:00:00Z', commandLine: ['install', 'web:1.0'] };

test('a history line is an entry, and a cut or damaged line is one to skip', () => {
  const read = parseHistoryLine(JSON.stringify(entry));
  assert.deepEqual(read, { ...entry, changes: [], overrides: [] });
  assert.equal(parseHistoryLine(JSON.stringify(entry).slice(0, 30)), undefined, 'a line cut by a crash');
  assert.equal(parseHistoryLine(JSON.stringify({ ...entry, commandLine: ['install', 3] })), undefined);
  assert.equal(parseHistoryLine(JSON.stringify({ ...entry, start: 5 })), undefined);
  assert.equal(parseHistoryLine(JSON.stringify({ ...entry, format: HISTORY_FORMAT + 1 })), undefined);
  assert.equal(parseHistoryLine('[]'), undefined);
});
