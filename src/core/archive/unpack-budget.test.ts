import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstOverBound, passedAt, unpackBudget, unpackRefused } from './unpack-budget.js';
import { unpackBound, UNPACK_FLOOR } from './tar-frame.js';

class Refused extends Error {
  constructor(
    readonly layer: string,
    readonly bound: number,
  ) {
    super(`${layer} passes ${bound}`);
  }
}

const refuse = (layer: string, bound: number) => new Refused(layer, bound);

test('a budget counts across layers and refuses at the layer whose bytes pass the bound', () => {
  const budget = unpackBudget(100, refuse);
  budget.add('sha256:a', 60);
  budget.add('sha256:b', 40);
  assert.equal(budget.used, 100, 'reaching the bound exactly is allowed');
  assert.throws(
    () => budget.add('sha256:c', 1),
    (err) => err instanceof Refused && err.layer === 'sha256:c' && err.bound === 100,
  );
});

test('a budget counts chunk by chunk, so a stream that lies about its size is stopped as it passes', () => {
  const budget = unpackBudget(unpackBound(1024 * 1024, true), refuse);
  const chunk = 64 * 1024 * 1024;
  let added = 0;
  assert.throws(() => {
    for (;;) {
      budget.add('sha256:bomb', chunk);
      added += chunk;
    }
  }, Refused);
  assert.equal(added, UNPACK_FLOOR, 'the floor of 1 GiB passes, the next chunk does not');
});

test('the known sizes are summed in order; the first layer past the bound is named, unknown sizes skipped', () => {
  const sizes = [
    { layer: 'sha256:a', bytes: 50 },
    { layer: 'sha256:unknown', bytes: undefined },
    { layer: 'sha256:b', bytes: 50 },
    { layer: 'sha256:c', bytes: 1 },
  ];
  assert.equal(firstOverBound(100, sizes), 'sha256:c');
  assert.equal(firstOverBound(101, sizes), undefined);
  assert.equal(firstOverBound(0, []), undefined);
  assert.equal(firstOverBound(unpackBound(1_000_000, true), [{ layer: 'x', bytes: 4 * 1024 ** 3 }]), 'x');
});

test('the bound follows the archive rule: the ratio, the floor and the free space', () => {
  const file = 100 * 1024 * 1024;
  assert.equal(firstOverBound(unpackBound(file, true), [{ layer: 'x', bytes: 64 * file }]), undefined);
  assert.equal(firstOverBound(unpackBound(file, true, { ratio: 2 }), [{ layer: 'x', bytes: UNPACK_FLOOR + 1 }]), 'x');
  assert.equal(firstOverBound(unpackBound(file, true, { freeBytes: 5000 }), [{ layer: 'x', bytes: 5001 }]), 'x');
});

test('the refusal is kept once thrown, for a stream that reports the failure later; one wording for both kinds', () => {
  const budget = unpackBudget(10, refuse);
  assert.equal(budget.refusal === undefined, true);
  assert.throws(() => budget.add('sha256:a', 11), Refused);
  assert.ok(budget.refusal instanceof Refused);
  assert.throws(
    () => budget.add('sha256:b', 1),
    (err) => err === budget.refusal,
    'the first refusal stands',
  );
  for (const kind of ['archive', 'bundle'] as const) {
    const err = unpackRefused(kind, '/x/f', passedAt(1024, 'sha256:abc'));
    assert.equal(err.code, 'ARCHIVE_INVALID');
    assert.match(
      err.message,
      new RegExp(
        `^The ${kind} '/x/f' is refused: it unpacks to more than 1024 bytes \\(passed at its layer sha256:abc\\), more than DAM allows`,
      ),
    );
    assert.match(err.hint ?? '', new RegExp(`decompression bomb\\. If the ${kind} is genuine, .*DAM_MAX_UNPACK_RATIO`));
  }
});
