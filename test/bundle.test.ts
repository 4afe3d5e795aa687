// Bundles end to end on two engines: `dam export --all` on the main engine of three apps sharing one base,
// each distinct layer stored once, readable in gzip, zstd and plain; verified and loaded into a second,
// empty engine; a DAM 1.x export archive; damaged bundles refused by verify before anything is loaded; and
// deltas against the second engine's inventory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import * as tar from 'tar-stream';
import { isDamError } from '../src/core/errors.js';
import type { Engine } from '../src/core/ports/engine.js';
import type { BundleContents } from '../src/core/ports/bundle.js';
import { canonicalJson } from '../src/core/bundle/canonical-json.js';
import { TarBundles } from '../src/adapters/bundle/tar-bundles.js';
import { missingLayers } from '../src/adapters/bundle/engine-layers.js';
import { dam, tempHome, uniqueName, type DamResult } from './harness/dam.js';
import { buildTestApp, removeTestImages } from './harness/apps.js';
import { testEngine } from './harness/engine.js';
import { startSecondEngine, type SecondEngine } from './harness/second-engine.js';

const main = testEngine();
const names = [uniqueName('bna'), uniqueName('bnb'), uniqueName('bnc')];
let second: SecondEngine;
let dir: string;
let home: string;
let cleanupHome: () => Promise<void>;
let home2: string;
let cleanupHome2: () => Promise<void>;

const run = (args: string[], h = home, env: Record<string, string> = {}): Promise<DamResult> =>
  dam(args, { home: h, env: { DAMTEST_LOG: join(dir, 'scripts.log'), ...env }, timeoutMs: 300_000 });

function ok(out: DamResult): DamResult {
  assert.equal(out.code, 0, `${out.stdout}\n${out.stderr}`);
  return out;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'damtest-bundle-'));
  ({ home, cleanup: cleanupHome } = await tempHome());
  ({ home: home2, cleanup: cleanupHome2 } = await tempHome());
  for (const n of names) {
    await buildTestApp({ name: n, version: '1.0' });
    ok(await run(['install', `${n}:1.0`]));
  }
  second = await startSecondEngine();
});

after(async () => {
  await second?.stop();
  await removeTestImages(names);
  await rm(dir, { recursive: true, force: true });
  await cleanupHome();
  await cleanupHome2();
});

async function members(path: string): Promise<Array<{ name: string; size: number }>> {
  const out: Array<{ name: string; size: number }> = [];
  const extract = tar.extract();
  extract.on('entry', (header, body, next) => {
    out.push({ name: header.name, size: header.size ?? 0 });
    body.on('end', () => next());
    body.resume();
  });
  const head = (await readFile(path)).subarray(0, 2);
  const gz = head[0] === 0x1f && head[1] === 0x8b;
  await pipeline([
    createReadStream(path),
    ...(gz ? [createGunzip()] : []),
    extract as unknown as NodeJS.WritableStream,
  ]);
  return out;
}

const tags = async (engine: Engine) => (await engine.listImages()).flatMap((i) => i.repoTags).sort();

async function clearSecond(): Promise<void> {
  for (const i of await second.engine.listImages()) await second.engine.removeImage(i.id, { force: true });
}

test('export --all stores each distinct layer once; gzip, zstd and none verify and load into an empty engine', async () => {
  const images = await Promise.all(names.map(async (n) => (await main.inspectImage(`${n}:1.0`))!));
  const distinct = new Set(images.flatMap((i) => i.layers));
  assert.equal(distinct.size, 4, 'one shared base and three app layers');
  const bundles = new TarBundles(second.engine);
  for (const compress of ['gzip', 'zstd', 'none'] as const) {
    const file = join(dir, `product-${compress}.dam`);
    const out = ok(await run(['export', '--all', '--compress', compress, file, '--json']));
    const data = JSON.parse(out.stdout) as { layers: number; compression: string };
    assert.equal(data.layers, 4);
    assert.equal(data.compression, compress);
    assert.ok(!(await readdir(dir)).some((f) => f.endsWith('.partial')), 'no partial file is left');
    if (compress !== 'zstd') {
      const list = await members(file);
      assert.equal(list[0]!.name, 'dam-bundle.json', 'the index comes first');
      const layers = list.slice(1).map((m) => `sha256:${m.name.replace(/^layers\/|\.tar$/g, '')}`);
      assert.equal(new Set(layers).size, layers.length, 'no layer is stored twice');
      assert.deepEqual(new Set(layers), distinct);
    }
    const contents = (await bundles.open(file))!;
    assert.equal(contents.kind, 'bundle');
    assert.equal(contents.compression, compress);
    assert.deepEqual(contents.product.apps.map((a) => a.name).sort(), [...names].sort());
    await bundles.verify(contents);
    assert.deepEqual(await missingLayers(contents, second.engine), []);
    await bundles.load(contents);
    assert.deepEqual(await tags(second.engine), names.map((n) => `${n}:1.0`).sort());
    for (const image of images)
      assert.equal((await second.engine.inspectImage(image.id))?.repoTags[0], image.repoTags[0]);
    await clearSecond();
  }
});

/** Rewrites an uncompressed bundle through `edit`, which sees each member and returns what to write instead. */
async function repack(
  src: string,
  dst: string,
  edit: (name: string, data: Buffer, index: number) => Array<{ name: string; data: Buffer }>,
): Promise<void> {
  const entries: Array<{ name: string; data: Buffer }> = [];
  const extract = tar.extract();
  extract.on('entry', (header, body, next) => {
    const chunks: Buffer[] = [];
    body.on('data', (c: unknown) => void chunks.push(c as Buffer));
    body.on('end', () => {
      entries.push({ name: header.name, data: Buffer.concat(chunks) });
      next();
    });
  });
  await pipeline(createReadStream(src), extract as unknown as NodeJS.WritableStream);
  const pack = tar.pack();
  entries.forEach((e, i) => {
    for (const out of edit(e.name, e.data, i)) pack.entry({ name: out.name, size: out.data.length }, out.data);
  });
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
  await writeFile(dst, Buffer.concat(chunks));
}

test('damaged bundles are refused by verify, naming the member, before anything is loaded', async () => {
  const good = join(dir, 'product-none.dam');
  const bundles = new TarBundles(second.engine);
  const before = await tags(second.engine);
  const flipped = join(dir, 'flipped.dam');
  await repack(good, flipped, (name, data, i) => {
    if (i === 1) data[Math.floor(data.length / 2)]! ^= 0x01;
    return [{ name, data }];
  });
  const duplicated = join(dir, 'duplicated.dam');
  await repack(good, duplicated, (name, data, i) =>
    i === 2
      ? [
          { name, data },
          { name, data },
        ]
      : [{ name, data }],
  );
  const escaping = join(dir, 'escaping.dam');
  await repack(good, escaping, (name, data, i) =>
    i === 2 ? [{ name: `layers/../../${name.slice('layers/'.length)}`, data }] : [{ name, data }],
  );
  const lying = join(dir, 'lying-meta.dam');
  await repack(good, lying, (name, data, i) => {
    if (i !== 0) return [{ name, data }];
    const index = JSON.parse(data.toString()) as { images: Array<{ meta: Record<string, { sha256?: string }> }> };
    index.images[0]!.meta.install!.sha256 = '0'.repeat(64);
    return [{ name, data: Buffer.from(canonicalJson(index)) }];
  });
  const truncated = join(dir, 'truncated.dam');
  await writeFile(truncated, await readFile(join(dir, 'product-gzip.dam')));
  await truncate(truncated, Math.floor((await stat(truncated)).size * 0.6));
  const cases: Array<[string, RegExp]> = [
    [flipped, /member 'layers\/[0-9a-f]{64}\.tar' has sha256 [0-9a-f]{64}, the index says/],
    [duplicated, /member 'layers\/[0-9a-f]{64}\.tar' appears twice/],
    [escaping, /member 'layers\/\.\.\/\.\.\/[0-9a-f]{64}\.tar' escapes the archive/],
    [truncated, /truncated/],
    [lying, /the \/meta of \S+ differs from the index at 'install'/],
  ];
  for (const [file, message] of cases) {
    const contents = (await bundles.open(file))!;
    await assert.rejects(
      bundles.verify(contents),
      (err) => isDamError(err, 'ARCHIVE_INVALID') && message.test(err.message) && err.message.includes(file),
      file,
    );
    assert.deepEqual(await tags(second.engine), before, 'the engine is unchanged');
  }
  // load checks every blob too, and breaks the upload before the engine registers anything.
  await assert.rejects(bundles.load((await bundles.open(flipped))!), (err) => isDamError(err, 'ARCHIVE_INVALID'));
  assert.deepEqual(await tags(second.engine), before, 'a load of a damaged bundle leaves the engine unchanged');
  // An index that lies about /meta: the layers hash right, so load does not see it; dam import compares
  // the meta it would run scripts from with the index, refuses before any script, and rolls the load back.
  const other = await tempHome();
  try {
    const out = await run(['import', lying, '--yes'], other.home, second.env);
    assert.equal(out.code, 1);
    assert.match(out.stderr, /lying-meta\.dam.*\/meta of \S+ differs from the index at 'install'/);
    assert.deepEqual(JSON.parse((await run(['list', '--json'], other.home, second.env)).stdout), []);
  } finally {
    await other.cleanup();
  }
  assert.deepEqual(await tags(second.engine), before, 'the refused import left the engine unchanged');
  assert.deepEqual((await second.engine.listImages()).length, 0);
});

test('a DAM 1.x export archive (app_list and .dam files, absolute names, empty root entry) opens, verifies and loads', async () => {
  const saveDir = await mkdtemp(join(dir, 'save-'));
  for (const n of names) ok(await dam(['save', `${n}:1.0`], { home, cwd: saveDir }));
  const dams = (await readdir(saveDir)).filter((f) => f.endsWith('.dam')).sort();
  assert.equal(dams.length, 3);
  const pack = tar.pack();
  pack.entry({ name: '', type: 'directory', mode: 0o755 });
  pack.entry({ name: '/app_list', mode: 0o644 }, names.map((n) => `${n}:1.0\n`).join(''));
  for (const f of dams) pack.entry({ name: `/${f}`, mode: 0o644 }, await readFile(join(saveDir, f)));
  pack.finalize();
  const file = join(dir, 'export-1x.tar');
  await pipeline(
    Readable.from(pack as unknown as AsyncIterable<Buffer>),
    (await import('node:fs')).createWriteStream(file),
  );
  const bundles = new TarBundles(second.engine);
  const contents = (await bundles.open(file))!;
  assert.equal(contents.kind, 'dam1-export');
  assert.deepEqual(
    contents.product.apps.map((a) => `${a.name}:${a.version}`),
    names.map((n) => `${n}:1.0`),
  );
  assert.deepEqual(contents.images.flatMap((i) => i.tags).sort(), names.map((n) => `${n}:1.0`).sort());
  await bundles.verify(contents);
  await bundles.load(contents);
  assert.deepEqual(await tags(second.engine), names.map((n) => `${n}:1.0`).sort());
  await clearSecond();
  // An app list is not a bundle; a .dam (a tar that is neither) is refused.
  await writeFile(join(saveDir, 'apps.txt'), 'web:1.0\n');
  assert.equal(await bundles.open(join(saveDir, 'apps.txt')), undefined);
  await assert.rejects(
    bundles.open(join(saveDir, dams[0]!)),
    (err) => isDamError(err, 'ARCHIVE_INVALID') && /neither a DAM bundle nor a DAM 1\.x export/.test(err.message),
  );
});

test('a delta against the second engine holds only the changed layer, loads there, and is refused where a layer is lacking', async () => {
  // The second engine holds the full product.
  const bundles = new TarBundles(second.engine);
  const full = (await bundles.open(join(dir, 'product-gzip.dam')))!;
  await bundles.load(full);
  const inventoryFile = join(dir, 'inventory.json');
  ok(await run(['inventory', '-o', inventoryFile], home2, second.env));
  const inventory = JSON.parse(await readFile(inventoryFile, 'utf8')) as { layers: string[]; format: number };
  assert.equal(inventory.format, 1);
  assert.equal(inventory.layers.length, 4);
  // One app's top layer changes: version 2.0 of the third app.
  const changed = names[2]!;
  await buildTestApp({ name: changed, version: '2.0', install: 'echo changed' });
  ok(await run(['remove', `${changed}:1.0`]));
  ok(await run(['install', `${changed}:2.0`]));
  const newImage = (await main.inspectImage(`${changed}:2.0`))!;
  const deltaFile = join(dir, 'delta.dam');
  const out = JSON.parse(ok(await run(['export', '--all', '--delta', inventoryFile, deltaFile, '--json'])).stdout) as {
    layers: number;
    omittedLayers: string[];
  };
  assert.equal(out.layers, 1);
  const list = await members(deltaFile);
  assert.deepEqual(
    list.map((m) => m.name),
    ['dam-bundle.json', `layers/${newImage.layers.at(-1)!.slice(7)}.tar`],
  );
  const delta = (await bundles.open(deltaFile))!;
  assert.deepEqual(await missingLayers(delta, second.engine), []);
  await bundles.verify(delta);
  await bundles.load(delta);
  assert.equal((await second.engine.inspectImage(`${changed}:2.0`))?.id, newImage.id);
  // An engine lacking an omitted layer: the first app's image is gone from the second engine.
  const firstImage = (await main.inspectImage(`${names[0]}:1.0`))!;
  await second.engine.removeImage(`${names[0]}:1.0`, { force: true });
  assert.deepEqual(await missingLayers(delta, second.engine), [firstImage.layers.at(-1)]);
  await clearSecond();
  const empty: BundleContents = delta;
  assert.deepEqual(
    await missingLayers(empty, second.engine),
    [...new Set([...firstImage.layers, ...(await main.inspectImage(`${names[1]}:1.0`))!.layers])].sort(),
  );
});

test('dam export writes the 1.x list or the JSON product atomically, and keeps a file that is not an export', async () => {
  const list = join(dir, 'apps.txt');
  await writeFile(list, Array.from({ length: 200 }, (_, i) => `old-app${i}:1.0\n`).join(''));
  ok(await run(['export', list]));
  const text = await readFile(list, 'utf8');
  assert.deepEqual(
    text.split('\n').filter(Boolean).sort(),
    (await installedKeys()).sort(),
    'no stale bytes of the longer old list remain',
  );
  const product = join(dir, 'product.json');
  ok(await run(['export', '--format', 'json', '--name', 'plant-a', product]));
  const json = JSON.parse(await readFile(product, 'utf8')) as {
    format: number;
    name: string;
    apps: Array<{ tag: string; imageId: string }>;
  };
  assert.equal(json.name, 'plant-a');
  assert.ok(json.apps.every((a) => a.tag && a.imageId.startsWith('sha256:')));
  const precious = join(dir, 'notes.md');
  await writeFile(precious, '# my notes\nsomething: else: here\n');
  const refused = await run(['export', precious]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /is not an export DAM wrote/);
  assert.equal(await readFile(precious, 'utf8'), '# my notes\nsomething: else: here\n');
  ok(await run(['export', precious, '--force']));
  const noZstd = await run(['export', '--all', '--compress', 'zstd', join(dir, 'z.dam')], home, {
    DAM_ZSTD: join(dir, 'no-such-zstd'),
  });
  assert.equal(noZstd.code, 1);
  assert.match(noZstd.stderr, /zstd program .* is not installed[\s\S]*apt-get install zstd/);
  assert.ok(!(await readdir(dir)).some((f) => f.startsWith('z.dam')), 'nothing is written');
  for (const [args, message] of [
    [['export', '--delta', 'x.json', join(dir, 'd.dam')], /--delta applies to bundles only/],
    [['export', '--all', '--compress', 'bzip2', join(dir, 'd.dam')], /--compress 'bzip2'/],
    [['export', '--format', 'yaml', join(dir, 'd.txt')], /--format 'yaml'/],
    [['export', join(dir, 'missing-folder', 'd.txt')], /does not exist/],
  ] as const) {
    const out = await run([...args]);
    assert.notEqual(out.code, 0);
    assert.match(out.stderr, message);
  }
});

async function installedKeys(): Promise<string[]> {
  const out = ok(await run(['list', '--json']));
  return (JSON.parse(out.stdout) as Array<{ name: string; version: string }>).map((a) => `${a.name}:${a.version}`);
}
