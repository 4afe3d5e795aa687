// Installing from archive files: .dam (DAM 1.x format, made by dam save), plain docker save tars and
// tar.gz; damaged archives are refused before the engine changes; a refused install puts back the tags
// that loading moved (DAM 1.x left them moved).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dam, tempHome, uniqueName, type DamResult } from './harness/dam.js';
import { buildTestApp, removeTestImages } from './harness/apps.js';
import { testEngine } from './harness/engine.js';

const app = uniqueName('arch');
let home: string;
let cleanup: () => Promise<void>;
let dir: string;
let damFile: string;
let imageId: string;

before(async () => {
  ({ home, cleanup } = await tempHome());
  dir = await mkdtemp(join(tmpdir(), 'damtest-archives-'));
  await buildTestApp({ name: app, version: '1.0' });
  await buildTestApp({ name: app, version: '2.0' });
  imageId = (await testEngine().inspectImage(`${app}:1.0`))?.id ?? '';
  const saved = await dam(['save', `${app}:1.0`], { home, cwd: dir });
  assert.equal(saved.code, 0, saved.stderr);
  const [name] = (await readdir(dir)).filter((f) => f.endsWith('.dam'));
  assert.match(name ?? '', new RegExp(`^${app}-1\\.0\\.[0-9a-f]{8}\\.dam$`));
  damFile = join(dir, name ?? '');
});

after(async () => {
  await removeTestImages([app]);
  await rm(dir, { recursive: true, force: true });
  await cleanup();
});

const run = (args: string[]): Promise<DamResult> => dam(args, { home, cwd: dir, env: { DAMTEST_LOG: '/dev/null' } });
const engine = testEngine();

test('a .dam file installs offline with the image gone from the engine', async () => {
  await engine.removeImage(`${app}:1.0`);
  const out = await run(['install', '--offline', damFile]);
  assert.equal(out.code, 0, out.stderr);
  assert.equal((await engine.inspectImage(`${app}:1.0`))?.id, imageId);
  assert.equal((await run(['remove', app])).code, 0);
});

test('plain docker save tars and tar.gz install too', async () => {
  const tarFile = join(dir, 'plain.tar');
  await pipeline(await engine.save([`${app}:1.0`]), createWriteStream(tarFile));
  const gzFile = join(dir, 'plain.tar.gz');
  await pipeline(await engine.save([`${app}:1.0`]), createGzip(), createWriteStream(gzFile));
  for (const file of [tarFile, gzFile]) {
    const out = await run(['install', file]);
    assert.equal(out.code, 0, `${file}: ${out.stderr}`);
    assert.equal((await run(['remove', app])).code, 0);
  }
});

test('a refused install puts back the tag that loading the archive moved', async () => {
  const other = (await engine.inspectImage(`${app}:2.0`))?.id ?? '';
  await engine.tagImage(other, `${app}:1.0`);
  const rival = await run(['install', `${app}:2.0`]);
  assert.equal(rival.code, 0, rival.stderr);
  const out = await run(['install', damFile]);
  assert.equal(out.code, 1);
  assert.match(out.stderr, /family/);
  assert.equal((await engine.inspectImage(`${app}:1.0`))?.id, other, `${app}:1.0 points where it did before`);
  assert.equal((await run(['remove', app])).code, 0);
  await engine.tagImage(imageId, `${app}:1.0`);
});

async function damaged(name: string, change: (bytes: Buffer) => Buffer): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, change(await readFile(damFile)));
  return file;
}

test('truncated and bit-flipped archives are refused before the engine or the state changes', async () => {
  await engine.removeImage(`${app}:1.0`).catch(() => undefined);
  const files = [
    await damaged('truncated.dam', (b) => b.subarray(0, Math.floor(b.length / 2))),
    await damaged('flipped.tar.gz', (b) => {
      const c = Buffer.from(b);
      const i = Math.floor(c.length / 2);
      c[i] = (c[i] ?? 0) ^ 0xff;
      return c;
    }),
    await damaged(`${app}-1.0.00000000.dam`, (b) => b),
  ];
  // Only this test's images: other tests share the engine and build images at the same time.
  const mine = async () =>
    (await engine.listImages())
      .filter((i) => i.id === imageId || i.repoTags.some((t) => t.startsWith(app)))
      .map((i) => i.id)
      .sort();
  const before = await mine();
  for (const file of files) {
    const out = await run(['install', file]);
    assert.equal(out.code, 1, file);
    assert.match(out.stderr, /archive|CRC|gzip|truncat|invalid/i, file);
    assert.match(
      out.stderr,
      new RegExp(file.split('/').pop()?.replace(/\./g, '\\.') ?? ''),
      'the error names the file',
    );
  }
  assert.deepEqual(await mine(), before, 'nothing was loaded');
  assert.equal(await engine.inspectImage(`${app}:1.0`), undefined);
  assert.deepEqual(JSON.parse((await run(['list', '--json'])).stdout), []);
  await engine.tagImage(imageId, `${app}:1.0`).catch(() => undefined);
});

test('an archive refused by the family rule never reaches the engine', async () => {
  await engine.removeImage(imageId, { force: true }).catch(() => undefined);
  assert.equal((await run(['install', `${app}:2.0`])).code, 0);
  const out = await run(['install', damFile]);
  assert.equal(out.code, 1);
  assert.match(out.stderr, /family/);
  assert.equal(await engine.inspectImage(imageId), undefined, 'the engine never registered the refused image');
  assert.equal(await engine.inspectImage(`${app}:1.0`), undefined);
  assert.equal((await run(['remove', app])).code, 0);
});
