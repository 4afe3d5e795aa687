import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeEntryName, resolveSymlinkTarget, safeEntryType, safeMode, underSymlink } from './tar-path.js';

test('normalizeEntryName: plain, 1.x quirks, and refusals', () => {
  const cases: [string, ReturnType<typeof normalizeEntryName>][] = [
    ['manifest.json', { kind: 'path', path: 'manifest.json' }],
    ['/manifest.json', { kind: 'path', path: 'manifest.json' }],
    ['./abc/layer.tar', { kind: 'path', path: 'abc/layer.tar' }],
    ['abc/', { kind: 'path', path: 'abc' }],
    ['', { kind: 'root' }],
    ['/', { kind: 'root' }],
    ['./', { kind: 'root' }],
    ['../etc/passwd', { kind: 'invalid', reason: 'contains a `..` component' }],
    ['a/../../b', { kind: 'invalid', reason: 'contains a `..` component' }],
    ['a//b', { kind: 'invalid', reason: 'contains an empty component (`//`)' }],
    ['a\0b', { kind: 'invalid', reason: 'contains a NUL character' }],
  ];
  for (const [input, expected] of cases) assert.deepEqual(normalizeEntryName(input), expected, JSON.stringify(input));
});

test('resolveSymlinkTarget: relative to the link, never out of the root', () => {
  const cases: [string, string, string | undefined][] = [
    ['a/b/link', 'c', 'a/b/c'],
    ['a/b/link', '../c', 'a/c'],
    ['a/b/link', '../../c', 'c'],
    ['a/b/link', '../../../c', undefined],
    ['link', '..', undefined],
    ['link', '/etc/passwd', undefined],
    ['a/link', './x/./y', 'a/x/y'],
    ['a/link', '', undefined],
    ['abc/layer.tar', '../def/layer.tar', 'def/layer.tar'],
  ];
  for (const [path, target, expected] of cases)
    assert.equal(resolveSymlinkTarget(path, target), expected, `${path} -> ${target}`);
});

test('underSymlink finds a linked ancestor', () => {
  const links = new Set(['a/l', 'x']);
  assert.equal(underSymlink('a/l/f', links), 'a/l');
  assert.equal(underSymlink('x/y/z', links), 'x');
  assert.equal(underSymlink('a/l', links), undefined);
  assert.equal(underSymlink('a/lx/f', links), undefined);
});

test('safeEntryType refuses devices and FIFOs', () => {
  assert.equal(safeEntryType('file'), 'file');
  assert.equal(safeEntryType('contiguous-file'), 'file');
  assert.equal(safeEntryType('symlink'), 'symlink');
  for (const t of ['character-device', 'block-device', 'fifo', 'gnu-long-path'])
    assert.equal(safeEntryType(t), undefined, t);
});

test('safeMode keeps rwx and drops setuid, setgid and sticky', () => {
  assert.equal(safeMode(0o4755, 'file'), 0o755);
  assert.equal(safeMode(0o2775, 'directory'), 0o775);
  assert.equal(safeMode(0o1777, 'directory'), 0o777);
  assert.equal(safeMode(undefined, 'file'), 0o644);
});
