// .dam files on the real engine: `dam save` / writeDam output that `docker load` accepts and tags, the CRC-32
// in its name as zlib computes it, DAM 1.x's own layout, and /meta read from archives and images.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import { isDamError } from '../src/core/errors.js';
import { crc32, formatDamName, parseDamName } from '../src/core/archive/dam-name.js';
import { writeDam } from '../src/adapters/archive/write-dam.js';
import { extractMetaFromLayers, inspectArchive } from '../src/adapters/archive/read-archive.js';
import { copyMetaFromImage, TEMPORARY_LABEL } from '../src/adapters/meta/copy-meta.js';
import { dam, tempHome, uniqueName, TEST_LABEL } from './harness/dam.js';
import { buildTestApp } from './harness/apps.js';
import { baseImage, testEngine } from './harness/engine.js';

const engine = testEngine();
const app = uniqueName('arch');
const tag = `${app}:1.0`;
const created: string[] = [];
let dir: string;
let home: string;
let cleanupHome: () => Promise<void>;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'damtest-archive-'));
  ({ home, cleanup: cleanupHome } = await tempHome());
  await buildTestApp({ name: app, version: '1.0' });
  created.push(tag);
});

after(async () => {
  for (const t of created) await engine.removeImage(t, { force: true }).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
  await cleanupHome();
});

const zlibCrc = (path: string) =>
  execFileSync(
    'python3',
    ['-c', 'import sys, zlib; print("%08x" % zlib.crc32(open(sys.argv[1], "rb").read()))', path],
    { encoding: 'utf8' },
  ).trim();
const dockerLoad = (path: string) => execFileSync('docker', ['load', '-i', path], { encoding: 'utf8' });

async function memberNames(path: string): Promise<string[]> {
  const names: string[] = [];
  const extract = tar.extract();
  extract.on('entry', (header, body, next) => {
    names.push(header.name);
    body.on('end', () => next());
    body.resume();
  });
  const { createReadStream } = await import('node:fs');
  await pipeline(createReadStream(path), createGunzip(), extract as unknown as NodeJS.WritableStream);
  return names;
}

test('writeDam: a CRC-named .dam that docker load accepts and tags', async () => {
  const image = (await engine.inspectImage(tag))!;
  const newTag = `localhost:5000/${app}:1.0`;
  created.push(newTag);
  let progress = 0;
  const written = await writeDam(engine, tag, {
    name: app,
    version: '1.0',
    tag: newTag,
    dir,
    onProgress: (b) => (progress = b),
  });
  assert.equal(basename(written.path), formatDamName(app, '1.0', parseInt(written.crc32, 16)));
  assert.equal(zlibCrc(written.path), written.crc32, 'the name carries zlib.crc32 of the file');
  assert.equal(progress, written.bytes);
  assert.deepEqual(await readdir(dir), [basename(written.path)], 'no partial file left');

  const head = Buffer.alloc(10);
  const h = await open(written.path, 'r');
  await h.read(head, 0, 10, 0);
  await h.close();
  assert.deepEqual([...head.subarray(0, 8)], [0x1f, 0x8b, 8, 0, 0, 0, 0, 0], 'gzip without a name, mtime 0');
  const names = await memberNames(written.path);
  assert.ok(names.includes('manifest.json') && names.every((n) => !n.startsWith('/')), names.join(' '));

  const info = await inspectArchive(written.path);
  assert.deepEqual(info.tags, [newTag]);
  assert.equal(info.imageId, image.id);
  assert.deepEqual(
    info.layers.map((l) => l.diffId),
    image.layers,
  );
  assert.equal(info.labels[TEST_LABEL], 'lifecycle');
  assert.equal(info.crc32, written.crc32);

  assert.match(dockerLoad(written.path), new RegExp(`Loaded image: ${newTag.replace(/[.:]/g, '\\$&')}`));
  assert.equal((await engine.inspectImage(newTag))?.id, image.id);
});

test('writeDam -o: exactly that path, no CRC in the name; a failure leaves no file', async () => {
  const out = join(dir, 'exact.dam');
  const written = await writeDam(engine, tag, { name: app, version: '1.0', tag, outPath: out });
  assert.equal(written.path, out);
  assert.equal(zlibCrc(out), written.crc32);
  await assert.rejects(writeDam(engine, `${app}:nope`, { name: app, version: 'nope', tag, dir }), (err: unknown) =>
    isDamError(err, 'NOT_FOUND'),
  );
  const controller = new AbortController();
  const failing = writeDam(engine, tag, {
    name: app,
    version: '1.0',
    tag,
    outPath: join(dir, 'aborted.dam'),
    signal: controller.signal,
    onProgress: () => controller.abort(),
  });
  await assert.rejects(failing);
  assert.deepEqual(
    (await readdir(dir)).filter((f) => f.startsWith('aborted') || f.endsWith('.partial')),
    [],
  );
});

test('DAM 1.x layout (leading `/` names, empty root entry) loads with docker load and inspects', async () => {
  const oldTag = `dam1x.local/${app}:1.0`;
  created.push(oldTag);
  // Re-tar the engine's save as DAM 1.x wrote it.
  const saved = await engine.save([(await engine.inspectImage(tag))!.id]);
  const out = tar.pack();
  const chunks: Buffer[] = [];
  out.on('data', (c: unknown) => chunks.push(c as Buffer));
  const ended = new Promise<void>((r) => out.on('end', () => r()));
  out.entry({ name: '', type: 'directory', mode: 0o755 });
  const extract = tar.extract();
  extract.on('entry', (header, body, next) => {
    const parts: Buffer[] = [];
    body.on('data', (c: unknown) => parts.push(c as Buffer));
    body.on('end', () => {
      let data = Buffer.concat(parts);
      if (header.name === 'manifest.json')
        data = Buffer.from(data.toString().replace('"RepoTags":null', `"RepoTags":["${oldTag}"]`));
      if (header.type === 'directory') out.entry({ ...header, name: `/${header.name}` });
      else out.entry({ ...header, name: `/${header.name}`, size: data.length }, data);
      next();
    });
  });
  await pipeline(saved, extract as unknown as NodeJS.WritableStream);
  out.finalize();
  await ended;
  const gz = gzipSync(Buffer.concat(chunks));
  const path = join(dir, formatDamName(app, '1.0', crc32(gz)));
  await writeFile(path, gz);
  assert.ok((await memberNames(path)).slice(0, 2).every((n, i) => (i === 0 ? n === '' : n.startsWith('/'))));

  const info = await inspectArchive(path);
  assert.deepEqual(info.tags, [oldTag]);
  assert.equal(info.crc32, parseDamName(basename(path))?.crc32);
  const metaDir = join(dir, 'meta-1x');
  await extractMetaFromLayers(path, metaDir);
  assert.deepEqual((await readdir(metaDir)).sort(), ['DESCRIPTION', 'install', 'uninstall']);
  assert.match(dockerLoad(path), /Loaded image: dam1x\.local\//);
});

test('copyMetaFromImage: /meta through a never-started container that is always removed', async () => {
  const fromImage = join(dir, 'meta-image');
  const labels = { [TEST_LABEL]: 'archive' };
  assert.deepEqual(await copyMetaFromImage(engine, tag, fromImage, { labels }), { entries: 3 });
  const fromArchive = join(dir, 'meta-archive');
  const written = await writeDam(engine, tag, { name: app, version: '1.0', tag, outPath: join(dir, 'for-meta.dam') });
  await extractMetaFromLayers(written.path, fromArchive);
  for (const f of ['install', 'uninstall', 'DESCRIPTION'])
    assert.equal(await readFile(join(fromArchive, f), 'utf8'), await readFile(join(fromImage, f), 'utf8'), f);

  await assert.rejects(
    copyMetaFromImage(engine, await baseImage(), join(dir, 'none'), { labels }),
    (err: unknown) => isDamError(err, 'NOT_FOUND') && /has no \/meta folder/.test(err.message),
  );
  const left = await engine.listContainers({ all: true, labels: [`${TEST_LABEL}=archive`, `${TEMPORARY_LABEL}=true`] });
  assert.deepEqual(left, [], 'no temporary container is left');
});

test('dam save: name:version against the default repo, -o and --f, --json, a missing image', async () => {
  const cwd = await mkdtemp(join(dir, 'cwd-'));
  const plain = await dam(['save', tag], { home, cwd });
  assert.equal(plain.code, 0, plain.stderr);
  const [file] = await readdir(cwd);
  assert.match(file ?? '', new RegExp(`^${app}-1\\.0\\.[0-9a-f]{8}\\.dam$`));
  assert.match(plain.stderr, new RegExp(`Created '${join(cwd, file!).replace(/[.]/g, '\\.')}' file\\.`));
  assert.equal(plain.stdout, '');

  const json = await dam(['save', tag, '-o', 'out/../web.dam', '--json'], { home, cwd });
  assert.equal(json.code, 0, json.stderr);
  const data = JSON.parse(json.stdout) as { path: string; crc32: string; bytes: number; tag: string };
  assert.deepEqual(
    { ...data, bytes: data.bytes > 0 },
    { schemaVersion: 1, path: join(cwd, 'web.dam'), crc32: zlibCrc(join(cwd, 'web.dam')), bytes: true, tag },
  );

  const legacy = await dam(['save', tag, '--f', 'legacy.dam'], { home, cwd });
  assert.equal(legacy.code, 0, legacy.stderr);
  assert.deepEqual((await readdir(cwd)).sort(), [file, 'legacy.dam', 'web.dam'].sort());

  const missing = await dam(['save', `${app}:9.9`], { home, cwd });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, new RegExp(`The image '${app}:9\\.9' is not in the local Docker cache`));
  assert.match(missing.stderr, /hint: Pull it/);
  const bare = await dam(['save', app], { home, cwd });
  assert.equal(bare.code, 1);
  assert.match(bare.stderr, /version is missing/);
});
