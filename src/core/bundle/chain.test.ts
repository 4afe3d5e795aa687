import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chainIds, lackingLayers, planLayers } from './chain.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;

test('chain ids follow the engine: the first is the diff id, then sha256 of "parent diff"', () => {
  const second = `sha256:${createHash('sha256')
    .update(`${d('a')} ${d('b')}`)
    .digest('hex')}`;
  assert.deepEqual(chainIds([d('a'), d('b')]), [d('a'), second]);
  assert.deepEqual(chainIds([]), []);
});

test('a full bundle carries each distinct layer once, in first-use order', () => {
  const plan = planLayers(
    [
      [d('a'), d('b')],
      [d('a'), d('c')],
      [d('a'), d('b')],
    ],
    new Set(),
  );
  assert.deepEqual(plan, { carried: [d('a'), d('b'), d('c')], omitted: [] });
});

test('a delta leaves out layers whose chain the target holds, and keeps a known diff id on another base', () => {
  const target = new Set(chainIds([d('a'), d('b')]));
  const plan = planLayers(
    [
      [d('a'), d('b'), d('c')],
      [d('x'), d('b')],
    ],
    target,
  );
  assert.deepEqual(plan, { carried: [d('c'), d('x'), d('b')], omitted: [d('a')] });
});

test('the layers an engine lacks for a delta are named', () => {
  const images = [[d('a'), d('b'), d('c')]];
  assert.deepEqual(lackingLayers(images, new Set([d('c')]), new Set(chainIds([d('a')]))), [d('b')]);
  assert.deepEqual(lackingLayers(images, new Set([d('c')]), new Set(chainIds([d('a'), d('b')]))), []);
});
