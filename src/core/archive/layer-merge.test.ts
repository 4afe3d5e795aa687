import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  classify,
  concernsRoot,
  hidesBelow,
  mergeLayers,
  type LayerEntry,
  type LayerItem,
  type MergeResult,
} from './layer-merge.js';

const file = (path: string, text = path): LayerEntry => ({ path, type: 'file', mode: 0o755, data: Buffer.from(text) });
const dir = (path: string): LayerEntry => ({ path, type: 'directory', mode: 0o755 });
const layer = (...entries: LayerEntry[]): LayerItem[] => entries.map(classify);
const view = (r: MergeResult) =>
  r.kind === 'found' ? r.entries.map((e) => `${e.path}${e.data ? `=${e.data.toString()}` : '/'}`) : r.kind;

test('classify turns whiteout files into markers', () => {
  assert.deepEqual(classify(file('meta/.wh.old')), { path: 'meta/old', type: 'whiteout' });
  assert.deepEqual(classify(file('meta/.wh..wh..opq')), { path: 'meta', type: 'opaque' });
  assert.deepEqual(classify(file('.wh.meta')), { path: 'meta', type: 'whiteout' });
  assert.deepEqual(classify(file('.wh..wh..opq')), { path: '', type: 'opaque' });
});

test('concernsRoot keeps the folder, its content and whiteouts that may hide it', () => {
  for (const p of ['meta', 'meta/install', '.wh.meta', '.wh..wh..opq', 'meta/.wh.x'])
    assert.equal(concernsRoot(p, 'meta'), true, p);
  for (const p of ['metadata', 'usr/meta', 'usr/.wh.x', 'bin/sh']) assert.equal(concernsRoot(p, 'meta'), false, p);
});

test('mergeLayers stacks layers: upper files win, whiteouts and opaque folders hide lower ones', () => {
  const cases: { name: string; layers: LayerItem[][]; expected: string[] | string }[] = [
    { name: 'one layer', layers: [layer(dir('meta'), file('meta/install', 'v1'))], expected: ['install=v1'] },
    {
      name: 'upper wins',
      layers: [layer(dir('meta'), file('meta/install', 'v1')), layer(file('meta/install', 'v2'))],
      expected: ['install=v2'],
    },
    {
      name: 'files merge',
      layers: [layer(dir('meta'), file('meta/install')), layer(file('meta/uninstall'))],
      expected: ['install=meta/install', 'uninstall=meta/uninstall'],
    },
    {
      name: 'whiteout',
      layers: [layer(dir('meta'), file('meta/install'), file('meta/old')), layer(file('meta/.wh.old'))],
      expected: ['install=meta/install'],
    },
    {
      name: 'whiteout of a folder',
      layers: [layer(dir('meta'), dir('meta/d'), file('meta/d/x')), layer(file('meta/.wh.d'))],
      expected: [],
    },
    {
      name: 'opaque',
      layers: [layer(dir('meta'), file('meta/old')), layer(dir('meta'), file('meta/.wh..wh..opq'), file('meta/new'))],
      expected: ['new=meta/new'],
    },
    {
      name: 'deleted meta',
      layers: [layer(dir('meta'), file('meta/install')), layer(file('.wh.meta'))],
      expected: 'missing',
    },
    {
      name: 'recreated after whiteout',
      layers: [layer(dir('meta'), file('meta/a')), layer(file('.wh.meta')), layer(dir('meta'), file('meta/b'))],
      expected: ['b=meta/b'],
    },
    { name: 'no meta', layers: [layer(file('bin/sh'))], expected: 'missing' },
    {
      name: 'meta replaced by a file',
      layers: [layer(dir('meta'), file('meta/a')), layer(file('meta'))],
      expected: 'not-a-folder',
    },
    { name: 'implicit folder', layers: [layer(file('meta/install'))], expected: ['install=meta/install'] },
  ];
  for (const c of cases) assert.deepEqual(view(mergeLayers(c.layers, 'meta')), c.expected, c.name);
});

test('an opaque subfolder hides only its own lower content: the scripts beside it stay', () => {
  const lower = layer(dir('meta'), file('meta/install'), file('meta/uninstall'), dir('meta/www'), file('meta/www/a'));
  const upper = layer(dir('meta/www'), file('meta/www/.wh..wh..opq'), file('meta/www/b'));
  assert.deepEqual(view(mergeLayers([lower, upper], 'meta')), [
    'install=meta/install',
    'uninstall=meta/uninstall',
    'www/',
    'www/b=meta/www/b',
  ]);
});

test("entries of the caller's own shape merge too, keeping their fields", () => {
  type Sized = { path: string; type: 'file' | 'directory' | 'other'; size: number };
  const lower: LayerItem<Sized>[] = [
    { path: 'meta/fifo', type: 'other', size: 0 },
    { path: 'meta/a', type: 'file', size: 1 },
  ];
  const upper: LayerItem<Sized>[] = [
    classify({ path: 'meta/.wh.a', type: 'file', size: 0 }),
    { path: 'meta/b', type: 'file', size: 7 },
  ];
  const merged = mergeLayers([lower, upper], 'meta');
  assert.deepEqual(merged.kind === 'found' ? merged.entries : merged, [
    { path: 'b', type: 'file', size: 7 },
    { path: 'fifo', type: 'other', size: 0 },
  ]);
});

test('hidesBelow: a layer that deletes, makes opaque or replaces the folder ends a top-down read', () => {
  const cases: Array<[LayerItem[], boolean]> = [
    [layer(dir('meta'), file('meta/.wh..wh..opq')), true],
    [layer(file('.wh.meta')), true],
    [layer(file('.wh..wh..opq')), true],
    [layer(file('meta')), true],
    [layer(dir('meta'), file('meta/www/.wh..wh..opq'), file('meta/install')), false],
    [layer(dir('meta'), file('meta/.wh.old')), false],
    [layer(file('.wh.metadata'), file('usr/meta')), false],
  ];
  for (const [items, hides] of cases) assert.equal(hidesBelow(items, 'meta'), hides, JSON.stringify(items));
});
