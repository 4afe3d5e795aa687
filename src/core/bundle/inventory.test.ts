import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildInventory, formatInventory, parseInventory } from './inventory.js';
import { chainIds } from './chain.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;

test('an inventory lists distinct diff ids and chain ids, and round-trips', () => {
  const inv = buildInventory(
    [{ name: 'web', version: '1.0', tag: 'web:1.0', imageId: d('f') }],
    [[d('b'), d('a')], [d('b')]],
  );
  assert.deepEqual(inv.layers, [d('a'), d('b')]);
  assert.deepEqual(inv.chains, [...new Set([...chainIds([d('b'), d('a')]), d('b')])].sort());
  assert.deepEqual(parseInventory(formatInventory(inv), 'inv.json'), inv);
});

test('a bad inventory is refused naming the field', () => {
  assert.throws(
    () => parseInventory('{"format":1,"kind":"dam-inventory","apps":[],"layers":["x"],"chains":[]}', 'inv.json'),
    /inv\.json.*layers\[0\]/,
  );
  assert.throws(() => parseInventory('{"format":1,"apps":[]}', 'inv.json'), /kind/);
  assert.throws(() => parseInventory('{"format":9,"kind":"dam-inventory"}', 'inv.json'), /format 9/);
});
