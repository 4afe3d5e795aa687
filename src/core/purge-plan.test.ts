import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planPurge } from './purge-plan.js';
import { initialState } from './state.js';
import type { ImageSummary } from './ports/engine.js';

const id = (c: string) => `sha256:${c.repeat(64)}`;
const image = (c: string, labels: Record<string, string> = { DAM_APP_FAMILY: 'web' }, containers = 0): ImageSummary => ({ id: id(c), repoTags: [`img${c}:1`], labels, size: 100, created: '', containers });

test('purge removes DAM images of no installed app, and keeps everything else with a reason', () => {
  const state = initialState();
  state.apps.push({ id: 0, name: 'web', version: '2', tag: 'web:2', imageId: id('a'), repoId: 1, family: 'web', multiversion: false, installedAt: '', previous: { version: '1', tag: 'web:1', imageId: id('b') } });
  state.apps.push({ id: 1, name: 'old', version: '1', tag: 'old:1', imageId: 'ffffffffffff', repoId: 1, family: 'old', multiversion: false, installedAt: '' });
  const images = [image('a'), image('b'), image('c'), image('d', {}), image('e', { DAM_APP_FAMILY: 'x' }, 1), image('f')];
  const plan = planPurge(images, new Set([id('e')]), state, { all: false, keepPrevious: true });
  assert.deepEqual(plan.remove.map((i) => i.id), [id('c')]);
  assert.deepEqual(plan.keep.map((k) => [k.id.slice(7, 8), k.reason]), [['a', 'installed'], ['b', 'previous-version'], ['d', 'not-dam'], ['e', 'used-by-container'], ['f', 'installed']]);
  assert.equal(plan.bytes, 100);

  const all = planPurge(images, new Set(), state, { all: true, keepPrevious: false });
  assert.deepEqual(all.remove.map((i) => i.id.slice(7, 8)), ['b', 'c', 'd']);
});
