import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forgetGone, planPurge, recordAcquired } from './purge-plan.js';
import { initialState } from './state.js';
import type { ImageSummary } from './ports/engine.js';

const id = (c: string) => `sha256:${c.repeat(64)}`;
const image = (
  c: string,
  labels: Record<string, string> = { DAM_APP_FAMILY: 'web' },
  containers = 0,
): ImageSummary => ({ id: id(c), repoTags: [`img${c}:1`], labels, size: 100, created: '', containers });

test('purge removes only acquired images that no installed app, rollback or container needs', () => {
  let state = initialState();
  state.apps.push({
    id: 0,
    name: 'web',
    version: '2',
    tag: 'web:2',
    imageId: id('a'),
    repoId: 1,
    family: 'web',
    multiversion: false,
    installedAt: '',
    previous: { version: '1', tag: 'web:1', imageId: id('b') },
  });
  state.apps.push({
    id: 1,
    name: 'old',
    version: '1',
    tag: 'old:1',
    imageId: 'ffffffffffff',
    repoId: 1,
    family: 'old',
    multiversion: false,
    installedAt: '',
  });
  const images = [
    image('a'),
    image('b'),
    image('c'),
    image('d', {}),
    image('e', { DAM_APP_FAMILY: 'x' }, 1),
    image('f'),
    image('9'),
  ];
  assert.deepEqual(
    planPurge(images, new Set(), state, { keepPrevious: true }).remove,
    [],
    'a state without the record purges nothing',
  );

  state = recordAcquired(state, ['a', 'b', 'c', 'd', 'e', 'f'].map(id), 'install', 't');
  const plan = planPurge(images, new Set([id('e')]), state, { keepPrevious: true });
  assert.deepEqual(
    plan.remove.map((i) => i.id.slice(7, 8)),
    ['c', 'd'],
  );
  assert.deepEqual(
    plan.keep.map((k) => [k.id.slice(7, 8), k.reason]),
    [
      ['a', 'installed'],
      ['b', 'previous-version'],
      ['e', 'used-by-container'],
      ['f', 'installed'],
    ],
  );
  assert.equal(plan.bytes, 200);

  const noPrevious = planPurge(images, new Set(), state, { keepPrevious: false });
  assert.deepEqual(
    noPrevious.remove.map((i) => i.id.slice(7, 8)),
    ['b', 'c', 'd'],
  );
});

test('the acquired list records each image once and forgets images that are gone', () => {
  let state = recordAcquired(initialState(), [id('a'), id('a')], 'install', 't');
  state = recordAcquired(state, [id('a'), id('b')], 'create', 'u');
  assert.deepEqual(
    state.acquired?.map((a) => [a.imageId.slice(7, 8), a.by]),
    [
      ['a', 'install'],
      ['b', 'create'],
    ],
  );
  assert.deepEqual(
    forgetGone(state, [id('b')]).acquired?.map((a) => a.imageId.slice(7, 8)),
    ['b'],
  );
});
