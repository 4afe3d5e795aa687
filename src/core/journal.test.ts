import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDamError } from './errors.js';
import { JOURNAL_FORMAT, newJournal, parseJournal, undoOrder, wasCommitted, type Effect } from './journal.js';

const now = new Date('2026-01-02T03:04:05.000Z');

test('a new journal is applying, empty, and names its operation, pid and start', () => {
  assert.deepEqual(newJournal('j1', 'install', 'install web:1', now, 42), {
    format: JOURNAL_FORMAT,
    id: 'j1',
    operation: 'install',
    summary: 'install web:1',
    pid: 42,
    startedAt: '2026-01-02T03:04:05.000Z',
    phase: 'applying',
    entries: [],
  });
});

test('a journal reads back what was written', () => {
  const j = newJournal('j1', 'upgrade', 'upgrade web', now, 1);
  j.entries.push({ effect: { kind: 'dir', path: '/x' }, done: true });
  assert.deepEqual(parseJournal(JSON.stringify(j), 'j1.json'), j);
});

const bad: Array<[string, string, 'STATE_CORRUPT' | 'STATE_TOO_NEW']> = [
  ['cut-off JSON', '{"format":1,', 'STATE_CORRUPT'],
  ['empty file', '', 'STATE_CORRUPT'],
  ['not an object', '[]', 'STATE_CORRUPT'],
  ['null', 'null', 'STATE_CORRUPT'],
  ['no entries', '{"format":1,"id":"x","operation":"install"}', 'STATE_CORRUPT'],
  ['no id', '{"format":1,"entries":[],"operation":"install"}', 'STATE_CORRUPT'],
  ['a newer format', '{"format":2,"id":"x","entries":[],"operation":"install"}', 'STATE_TOO_NEW'],
];

for (const [name, text, code] of bad) {
  test(`a journal with ${name} is refused as ${code}, naming the file`, () => {
    assert.throws(
      () => parseJournal(text, '/state/journal/x.json'),
      (e) => isDamError(e, code) && e.message.includes('/state/journal/x.json') && Boolean(e.hint),
    );
  });
}

test('undo order is last effect first, done or not, and leaves the journal as it was', () => {
  const effects: Effect[] = [
    { kind: 'image', imageId: 'sha256:a', existedBefore: false },
    { kind: 'tag', ref: 'web:1', target: 'sha256:a', previous: null },
    { kind: 'dir', path: '/s/apps/0' },
  ];
  const j = newJournal('j', 'install', 's', now, 1);
  j.entries = effects.map((effect, i) => ({ effect, done: i < 2 }));
  assert.deepEqual(undoOrder(j), [...effects].reverse());
  assert.deepEqual(
    j.entries.map((e) => e.effect),
    effects,
  );
});

const commits: Array<[string, 'applying' | 'committing', string | undefined, boolean]> = [
  ['applying, state names it', 'applying', 'j', false],
  ['committing, state names it', 'committing', 'j', true],
  ['committing, state names another', 'committing', 'other', false],
  ['committing, state names none', 'committing', undefined, false],
];

for (const [name, phase, last, want] of commits) {
  test(`wasCommitted: ${name} -> ${want}`, () => {
    const j = { ...newJournal('j', 'remove', 's', now, 1), phase };
    assert.equal(wasCommitted(j, last), want);
  });
}
