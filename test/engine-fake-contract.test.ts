// The Engine contract: one table run against the real engine and against the in-memory fake
// (src/app/fakes/fake-engine.ts) that the CPU-only tests of app/ use, so the fake answers as the engine does
// for what the lifecycle calls: inspect, tag, untag, remove, list by label.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { isDamError } from '../src/core/errors.js';
import type { Engine } from '../src/core/ports/engine.js';
import { FakeEngine } from '../src/app/fakes/fake-engine.js';
import { baseImage, engineAvailable, testEngine } from './harness/engine.js';
import { TEST_LABEL, uniqueName } from './harness/dam.js';

const available = await engineAvailable();
const run = uniqueName('fakecontract');
const label = `${TEST_LABEL}=${run}`;
let base = '';
let n = 0;

/** Two images, A and B, each with one tag of its own, labelled for this run only. */
interface World {
  engine: Engine;
  a: { id: string; tag: string };
  b: { id: string; tag: string };
  /** A fresh reference nobody uses. */
  name(): string;
}

function context(dockerfile: string): Readable {
  const tar = pack();
  tar.entry({ name: 'Dockerfile', mode: 0o644, mtime: new Date(0) }, dockerfile);
  tar.finalize();
  return Readable.from(tar);
}

async function realWorld(): Promise<World> {
  const engine = testEngine();
  const world = n++;
  const name = () => `${run}:t${world}-${n++}`;
  const make = async (which: string) => {
    const tag = name();
    const id = await engine.build(context(`FROM ${base}\nLABEL which=${which}\n`), {
      tag,
      labels: { [TEST_LABEL]: run, world: String(world) },
    });
    return { id, tag };
  };
  return { engine, a: await make('a'), b: await make('b'), name };
}

async function fakeWorld(): Promise<World> {
  const engine = new FakeEngine();
  const world = n++;
  const name = () => `${run}:t${world}-${n++}`;
  const a = { id: `sha256:${'a'.repeat(63)}${world % 10}`, tag: name() };
  const b = { id: `sha256:${'b'.repeat(63)}${world % 10}`, tag: name() };
  engine.add({ id: a.id, labels: { [TEST_LABEL]: run, world: String(world), which: 'a' } }, a.tag);
  engine.add({ id: b.id, labels: { [TEST_LABEL]: run, world: String(world), which: 'b' } }, b.tag);
  return { engine, a, b, name };
}

const tagsOf = async (w: World, id: string) => [...((await w.engine.inspectImage(id))?.repoTags ?? [])].sort();

const cases: Array<[string, (w: World) => Promise<void>]> = [
  [
    'an image is found by tag and by id, with its labels; an unknown tag is undefined',
    async (w) => {
      assert.equal((await w.engine.inspectImage(w.a.tag))?.id, w.a.id);
      assert.equal((await w.engine.inspectImage(w.a.id))?.labels.which, 'a');
      assert.equal(await w.engine.inspectImage(w.name()), undefined);
    },
  ],
  [
    'a tag added by id or by tag points at the image',
    async (w) => {
      const [t1, t2] = [w.name(), w.name()];
      await w.engine.tagImage(w.a.id, t1);
      await w.engine.tagImage(w.a.tag, t2);
      assert.deepEqual(await tagsOf(w, w.a.id), [w.a.tag, t1, t2].sort());
    },
  ],
  [
    'tagging with a tag in use moves it',
    async (w) => {
      const t = w.name();
      await w.engine.tagImage(w.a.id, t);
      await w.engine.tagImage(w.b.id, t);
      assert.equal((await w.engine.inspectImage(t))?.id, w.b.id);
      assert.deepEqual(await tagsOf(w, w.a.id), [w.a.tag]);
    },
  ],
  [
    'removing one of two tags leaves the image under the other',
    async (w) => {
      const t = w.name();
      await w.engine.tagImage(w.a.id, t);
      await w.engine.removeImage(t, { noPrune: false });
      assert.deepEqual(await tagsOf(w, w.a.id), [w.a.tag]);
    },
  ],
  [
    'removing the last tag removes the image',
    async (w) => {
      await w.engine.removeImage(w.b.tag);
      assert.equal(await w.engine.inspectImage(w.b.id), undefined);
    },
  ],
  [
    'removing an id with two tags is a CONFLICT unless forced; forced, both go',
    async (w) => {
      const t = w.name();
      await w.engine.tagImage(w.a.id, t);
      await assert.rejects(w.engine.removeImage(w.a.id), (e) => isDamError(e, 'CONFLICT'));
      assert.deepEqual(await tagsOf(w, w.a.id), [w.a.tag, t].sort());
      await w.engine.removeImage(w.a.id, { force: true });
      assert.equal(await w.engine.inspectImage(t), undefined);
    },
  ],
  [
    'removing an unknown tag, or tagging from one, is NOT_FOUND',
    async (w) => {
      await assert.rejects(w.engine.removeImage(w.name()), (e) => isDamError(e, 'NOT_FOUND'));
      await assert.rejects(w.engine.tagImage(w.name(), w.name()), (e) => isDamError(e, 'NOT_FOUND'));
    },
  ],
  [
    'a label filter lists exactly the labelled images',
    async (w) => {
      const labels = [label, `which=a`];
      const listed = (await w.engine.listImages({ labels })).filter((i) => i.id === w.a.id || i.id === w.b.id);
      assert.deepEqual(
        listed.map((i) => i.id),
        [w.a.id],
      );
    },
  ],
];

before(async () => {
  if (available) base = await baseImage();
});

after(async () => {
  if (!available) return;
  const engine = testEngine();
  for (const i of await engine.listImages({ labels: [label] }))
    await engine.removeImage(i.id, { force: true }).catch((e: unknown) => {
      if (!isDamError(e, 'NOT_FOUND')) throw e;
    });
});

for (const [name, body] of cases) {
  test(`Engine contract (real): ${name}`, { skip: available ? false : 'no Docker engine answers' }, async () =>
    body(await realWorld()),
  );
  test(`Engine contract (fake): ${name}`, async () => body(await fakeWorld()));
}
