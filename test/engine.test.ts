// DockerEngine against the real engine: negotiation, build (and a failing build), tag/inspect/list/remove,
// save/load, containers, DOCKER_HOST forms and an unreachable engine.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { extract, pack } from 'tar-stream';
import { isDamError } from '../src/core/errors.js';
import type { Engine, ProgressEvent } from '../src/core/ports/engine.js';
import { createDockerEngine } from '../src/adapters/docker/engine.js';
import { negotiateApiVersion } from '../src/adapters/docker/http.js';
import { baseImage, engineAvailable } from './harness/engine.js';
import { TEST_LABEL, uniqueName } from './harness/dam.js';

const available = await engineAvailable();
const skip = available ? false : 'no Docker engine answers';
const run = uniqueName('engine');
const label = `${TEST_LABEL}=${run}`;
let engine: Engine;
let base = '';
let work = '';

/** A build context tar with a Dockerfile and some files. */
function context(files: Record<string, string>): Readable {
  const tar = pack();
  for (const [name, content] of Object.entries(files)) tar.entry({ name, mode: 0o644, mtime: new Date(0) }, content);
  tar.finalize();
  return Readable.from(tar);
}

async function untar(stream: Readable): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for await (const entry of stream.pipe(extract())) {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    files.set(entry.header.name, Buffer.concat(chunks).toString('utf8'));
  }
  return files;
}

before(async () => {
  if (!available) return;
  engine = createDockerEngine(process.env);
  base = await baseImage();
  work = await mkdtemp(join(tmpdir(), 'damtest-engine-'));
});

after(async () => {
  if (!available) return;
  for (const c of await engine.listContainers({ all: true, labels: [label] })) await engine.removeContainer(c.id);
  for (const i of await engine.listImages({ labels: [label] }))
    await engine.removeImage(i.id, { force: true }).catch((e: unknown) => {
      if (!isDamError(e, 'NOT_FOUND')) throw e;
    });
  await rm(work, { recursive: true, force: true });
});

test('info: version, the negotiated API version, storage driver and root dir', { skip }, async () => {
  const info = await engine.info();
  const header = await new Promise<string | undefined>((resolve, reject) => {
    request({ socketPath: '/var/run/docker.sock', path: '/_ping' }, (res) => {
      res.resume();
      resolve(res.headers['api-version'] as string | undefined);
    })
      .on('error', reject)
      .end();
  });
  assert.equal(info.apiVersion, negotiateApiVersion(header));
  assert.match(info.version, /^\d+\.\d+/);
  assert.ok(info.storageDriver.length > 0);
  assert.match(info.rootDir, /^\//);
  assert.equal(info.os, 'linux');
});

const tag = `${run}:1.0`;
let imageId = '';

test('build from a tar context: labels, layers, progress, image id', { skip }, async () => {
  const events: ProgressEvent[] = [];
  imageId = await engine.build(
    context({
      Dockerfile: `FROM ${base}\nARG GREETING\nRUN mkdir -p /meta && echo "$GREETING" > /meta/info\nCOPY file.txt /meta/file.txt\n`,
      'file.txt': 'from the context\n',
    }),
    {
      tag,
      labels: { [TEST_LABEL]: run, 'dam.app': 'web' },
      buildArgs: { GREETING: 'hello' },
      onProgress: (e) => events.push(e),
    },
  );
  assert.match(imageId, /^sha256:[0-9a-f]{64}$/);
  assert.ok(
    events.some((e) => /^Step 1\/\d+ : FROM/.test(e.status)),
    `build output arrives as progress: ${JSON.stringify(events.slice(0, 5))}`,
  );
  const image = await engine.inspectImage(tag);
  assert.ok(image);
  assert.equal(image.id, imageId);
  assert.deepEqual(image.repoTags, [tag]);
  assert.equal(image.labels['dam.app'], 'web');
  assert.equal(image.labels[TEST_LABEL], run);
  assert.equal(image.layers.length, 3);
  assert.equal(image.os, 'linux');
  assert.ok(image.size > 1_000_000);
  const listed = await engine.listImages({ labels: [label] });
  assert.deepEqual(
    listed.map((i) => i.id),
    [imageId],
  );
  assert.deepEqual(listed[0]?.repoTags, [tag]);
});

test('a failing RUN step is an ENGINE_ERROR with its output, and leaves no tag', { skip }, async () => {
  const failing = `${run}-fail:1`;
  await assert.rejects(
    engine.build(
      context({ Dockerfile: `FROM ${base}\nRUN echo preparing-widgets && echo widget-broke >&2 && exit 3\n` }),
      { tag: failing, labels: { [TEST_LABEL]: run } },
    ),
    (e) => {
      assert.ok(isDamError(e, 'ENGINE_ERROR'));
      assert.match(e.message, /returned a non-zero code: 3/);
      assert.match(e.message, /preparing-widgets/);
      assert.match(e.message, /widget-broke/);
      return true;
    },
  );
  assert.equal(await engine.inspectImage(failing), undefined);
});

test('an aborted build stops at once with INTERRUPTED and leaves no tag', { skip }, async () => {
  const slow = `${run}-slow:1`;
  const controller = new AbortController();
  const started = Date.now();
  await assert.rejects(
    engine.build(context({ Dockerfile: `FROM ${base}\nRUN sleep 30\n` }), {
      tag: slow,
      labels: { [TEST_LABEL]: run },
      signal: controller.signal,
      onProgress: (e) => {
        if (e.status.includes('Running in')) controller.abort();
      },
    }),
    (e) => isDamError(e, 'INTERRUPTED'),
  );
  assert.ok(Date.now() - started < 10_000);
  assert.equal(await engine.inspectImage(slow), undefined);
});

test('tag with a registry port, inspect, remove the tag, and missing images', { skip }, async () => {
  const pushRef = `127.0.0.1:5000/${run}:2.0`;
  await engine.tagImage(imageId, pushRef);
  assert.deepEqual((await engine.inspectImage(pushRef))?.id, imageId);
  assert.deepEqual((await engine.inspectImage(imageId))?.repoTags.sort(), [pushRef, tag].sort());
  await engine.removeImage(pushRef);
  assert.equal(await engine.inspectImage(pushRef), undefined);
  assert.equal((await engine.inspectImage(tag))?.id, imageId);
  await assert.rejects(
    engine.removeImage(`${run}-none:1`),
    (e) => isDamError(e, 'NOT_FOUND') && e.message.includes(`${run}-none:1`),
  );
  await assert.rejects(engine.tagImage(`${run}-none:1`, `${run}:x`), (e) => isDamError(e, 'NOT_FOUND'));
});

test('save then load (plain and gzip) gives back the same image', { skip }, async () => {
  const file = join(work, 'image.tar');
  await pipeline(await engine.save([tag]), createWriteStream(file));
  assert.ok((await stat(file)).size > 1_000_000);
  await engine.tagImage(tag, `${run}:keep`); // keeps the image while its first tag goes
  await engine.removeImage(tag);
  const events: ProgressEvent[] = [];
  assert.deepEqual(await engine.load(createReadStream(file), { onProgress: (e) => events.push(e) }), [tag]);
  assert.equal((await engine.inspectImage(tag))?.id, imageId);
  await engine.removeImage(tag);
  assert.deepEqual(await engine.load(createReadStream(file).pipe(createGzip())), [tag]);
  assert.equal((await engine.inspectImage(tag))?.id, imageId);
  await assert.rejects(engine.load(Readable.from([Buffer.from('this is not a tar archive')])), (e) =>
    isDamError(e, 'ENGINE_ERROR'),
  );
  await assert.rejects(
    engine.save([`${run}-none:1`]),
    (e) => isDamError(e, 'NOT_FOUND') || isDamError(e, 'ENGINE_ERROR'),
  );
});

test('containers: create (never started), copy a path out, list by label, remove twice', { skip }, async () => {
  const id = await engine.createContainer({ image: tag, labels: { [TEST_LABEL]: run }, name: `${run}-meta` });
  const listed = await engine.listContainers({ all: true, labels: [label] });
  assert.deepEqual(
    listed.map((c) => [c.id, c.names, c.imageId, c.state]),
    [[id, [`${run}-meta`], imageId, 'created']],
  );
  const files = await untar(await engine.copyFromContainer(id, '/meta'));
  assert.equal(files.get('meta/info'), 'hello\n');
  assert.equal(files.get('meta/file.txt'), 'from the context\n');
  await assert.rejects(engine.copyFromContainer(id, '/no/such/path'), (e) => isDamError(e, 'NOT_FOUND'));
  await engine.removeContainer(id);
  await engine.removeContainer(id);
  assert.deepEqual(await engine.listContainers({ all: true, labels: [label] }), []);
});

test('an image without a command (FROM scratch) still gives a container to copy from', { skip }, async () => {
  const data = `${run}-data:1`;
  await engine.build(context({ Dockerfile: 'FROM scratch\nCOPY info /meta/info\n', info: 'data only\n' }), {
    tag: data,
    labels: { [TEST_LABEL]: run },
  });
  const id = await engine.createContainer({ image: data, labels: { [TEST_LABEL]: run } });
  assert.equal((await untar(await engine.copyFromContainer(id, '/meta/info'))).get('info'), 'data only\n');
  await engine.removeContainer(id);
});

test('pull and push to a registry that does not answer fail quickly, naming the reference', { skip }, async () => {
  await assert.rejects(
    engine.pull(`127.0.0.1:1/${run}:1`),
    (e) => isDamError(e, 'REGISTRY_ERROR') && e.message.includes(`'127.0.0.1:1/${run}:1'`),
  );
  const ref = `127.0.0.1:1/${run}:1`;
  await engine.tagImage(imageId, ref);
  await assert.rejects(engine.push(ref), (e) => isDamError(e, 'REGISTRY_ERROR') && e.message.includes(ref));
  await engine.removeImage(ref);
});

test(
  'DOCKER_HOST: the explicit unix:// form works; unreachable addresses are ENGINE_UNREACHABLE naming them',
  { skip },
  async () => {
    assert.equal(
      (await createDockerEngine({ DOCKER_HOST: 'unix:///var/run/docker.sock' }).info()).apiVersion,
      (await engine.info()).apiVersion,
    );
    for (const host of [`unix://${join(work, 'no-engine.sock')}`, 'tcp://127.0.0.1:1']) {
      await assert.rejects(createDockerEngine({ DOCKER_HOST: host }).info(), (e) => {
        assert.ok(isDamError(e, 'ENGINE_UNREACHABLE'));
        assert.ok(e.message.includes(host), e.message);
        assert.match(e.hint ?? '', /DOCKER_HOST/);
        return true;
      });
    }
    assert.throws(
      () => createDockerEngine({ DOCKER_HOST: 'ssh://me@host' }),
      (e) => isDamError(e, 'USAGE'),
    );
  },
);
