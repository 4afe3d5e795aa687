// Fault injection against a fake engine on a unix socket: negotiation, status mapping, errors inside
// HTTP 200 streams, abort and backpressure. Behaviour against the real engine is in test/engine.test.ts.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { isDamError } from '../../core/errors.js';
import { DockerEngine } from './engine.js';
import { parseDockerHost } from './address.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;
const dir = mkdtempSync(join(tmpdir(), 'dam-fake-engine-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** A fake engine; `apiVersion` is what /_ping answers (none when undefined). */
async function fakeEngine(
  apiVersion: string | undefined,
  handler: Handler,
): Promise<{ engine: DockerEngine; paths: string[]; close(): void }> {
  const socket = join(dir, `e${n++}.sock`);
  const paths: string[] = [];
  const server = createServer((req, res) => {
    if (req.url === '/_ping') {
      if (apiVersion) res.setHeader('API-Version', apiVersion);
      res.end('OK');
      return;
    }
    paths.push(req.url ?? '');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  const engine = new DockerEngine(parseDockerHost(`unix://${socket}`));
  return {
    engine,
    paths,
    close: () => {
      engine.close();
      server.closeAllConnections();
      server.close();
    },
  };
}

const json = (res: ServerResponse, status: number, value: unknown) => {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(value));
};
const lines = (res: ServerResponse, values: unknown[]) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(values.map((v) => `${JSON.stringify(v)}\r\n`).join(''));
};

test('requests carry the negotiated version prefix: ours when the engine is newer, 1.24 when it is silent', async () => {
  const newer = await fakeEngine('1.50', (_q, res) => json(res, 200, []));
  const silent = await fakeEngine(undefined, (_q, res) => json(res, 200, []));
  await newer.engine.listImages({ labels: ['dam.app'] });
  await silent.engine.listImages();
  assert.equal(newer.paths[0], `/v1.47/images/json?filters=${encodeURIComponent('{"label":["dam.app"]}')}`);
  assert.equal(silent.paths[0], '/v1.24/images/json');
  newer.close();
  silent.close();
});

test('404 is NOT_FOUND (inspect gives undefined), 409 CONFLICT, 500 ENGINE_ERROR with the engine message', async () => {
  const fake = await fakeEngine('1.41', (req, res) => {
    if (req.url?.includes('/json')) json(res, 404, { message: 'No such image: x:1' });
    else if (req.method === 'DELETE') json(res, 409, { message: 'image is being used by running container abc' });
    else json(res, 500, { message: 'driver failed' });
  });
  assert.equal(await fake.engine.inspectImage('x:1'), undefined);
  await assert.rejects(
    fake.engine.removeImage('x:1'),
    (e) => isDamError(e, 'CONFLICT') && /being used/.test(e.message) && /'x:1'/.test(e.message),
  );
  await assert.rejects(
    fake.engine.tagImage('x:1', '127.0.0.1:5000/x:2'),
    (e) => isDamError(e, 'ENGINE_ERROR') && /driver failed/.test(e.message),
  );
  assert.equal(fake.paths[2], '/v1.41/images/x%3A1/tag?repo=127.0.0.1%3A5000%2Fx&tag=2');
  fake.close();
});

test('engine answers of the wrong shape are refused at the boundary', async () => {
  const fake = await fakeEngine('1.41', (_q, res) => json(res, 200, { Id: 42 }));
  await assert.rejects(
    fake.engine.inspectImage('x'),
    (e) => isDamError(e, 'ENGINE_ERROR') && /Id is not a string/.test(e.message),
  );
  fake.close();
});

test('a build that fails inside its 200 stream is an ENGINE_ERROR carrying the failing step output', async () => {
  let query: URLSearchParams | undefined;
  let received = 0;
  const fake = await fakeEngine('1.41', (req, res, body) => {
    query = new URL(req.url ?? '', 'http://x').searchParams;
    received = body.length;
    lines(res, [
      { stream: 'Step 1/2 : FROM base\n' },
      { stream: ' ---> 61cb5a7d3094\n' },
      { stream: 'Step 2/2 : RUN make\n' },
      { stream: ' ---> Running in 1234\n' },
      { stream: 'cc: error: no input files\n' },
      {
        errorDetail: { code: 1, message: "The command '/bin/sh -c make' returned a non-zero code: 1" },
        error: "The command '/bin/sh -c make' returned a non-zero code: 1",
      },
    ]);
  });
  const context = Readable.from([Buffer.alloc(300_000, 1)]);
  await assert.rejects(
    fake.engine.build(context, { tag: 'web:1', labels: { 'dam.app': 'web' }, buildArgs: { A: '1' } }),
    (e) => {
      assert.ok(isDamError(e, 'ENGINE_ERROR'));
      assert.match(
        e.message,
        /^Building image 'web:1' failed: The command '\/bin\/sh -c make' returned a non-zero code: 1\nStep 2\/2 : RUN make\n.*cc: error: no input files$/s,
      );
      return true;
    },
  );
  assert.equal(received, 300_000);
  assert.deepEqual(
    [query?.get('t'), query?.get('rm'), query?.get('forcerm'), query?.get('labels'), query?.get('buildargs')],
    ['web:1', '1', '1', '{"dam.app":"web"}', '{"A":"1"}'],
  );
  fake.close();
});

test('load reports what was loaded, and an errorDetail in its 200 stream is an error', async () => {
  let fail = false;
  const fake = await fakeEngine('1.41', (_q, res) =>
    lines(
      res,
      fail
        ? [{ errorDetail: { message: 'unexpected EOF' } }]
        : [
            { status: 'Loading layer', id: 'abc', progressDetail: { current: 5, total: 10 } },
            { stream: 'Loaded image: web:1\n' },
            { stream: 'Loaded image ID: sha256:ff\n' },
          ],
    ),
  );
  const events: unknown[] = [];
  assert.deepEqual(await fake.engine.load(Readable.from([Buffer.from('tar')]), { onProgress: (e) => events.push(e) }), [
    'web:1',
    'sha256:ff',
  ]);
  assert.deepEqual(events[0], { id: 'abc', status: 'Loading layer', current: 5, total: 10 });
  fail = true;
  await assert.rejects(
    fake.engine.load(Readable.from([Buffer.from('tar')])),
    (e) => isDamError(e, 'ENGINE_ERROR') && /unexpected EOF/.test(e.message),
  );
  // Progress bars are asked of the engine only by a caller that shows them.
  assert.deepEqual(
    fake.paths.map((p) => new URL(p, 'http://engine').searchParams.get('quiet')),
    ['0', '1'],
  );
  fake.close();
});

test('pull auth failures are REGISTRY_AUTH; an abort mid-stream is INTERRUPTED at once', async () => {
  let hang = false;
  const fake = await fakeEngine('1.41', (_q, res) => {
    if (!hang)
      return lines(res, [
        { errorDetail: { message: 'Head "https://r/v2/x/manifests/1": unauthorized: authentication required' } },
      ]);
    res.writeHead(200);
    res.write(`${JSON.stringify({ status: 'Downloading', id: 'l1', progressDetail: { current: 1, total: 9 } })}\n`);
  });
  await assert.rejects(
    fake.engine.pull('r/x:1'),
    (e) => isDamError(e, 'REGISTRY_AUTH') && e.message.includes("'r/x:1'"),
  );
  assert.equal(fake.paths[0], '/v1.41/images/create?fromImage=r%2Fx&tag=1');
  hang = true;
  const controller = new AbortController();
  const pulling = fake.engine.pull('r/x:1', { signal: controller.signal, onProgress: () => controller.abort() });
  await assert.rejects(pulling, (e) => isDamError(e, 'INTERRUPTED'));
  fake.close();
});

test('save streams with backpressure: the engine cannot push a whole image into memory', async () => {
  let written = 0;
  let blocked = false;
  const fake = await fakeEngine('1.41', (_q, res) => {
    res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    const chunk = Buffer.alloc(1 << 20);
    const pump = () => {
      while (written < 256 << 20) {
        written += chunk.length;
        if (!res.write(chunk)) {
          blocked = true;
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    pump();
  });
  const tar = await fake.engine.save(['web:1']);
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(blocked, 'the engine side must see backpressure');
  assert.ok(written < 64 << 20, `only socket buffers may fill, not ${written} bytes`);
  tar.destroy();
  fake.close();
});

test("the engine's version and info are asked once per process; a failed answer is asked again", async () => {
  let fail = true;
  const fake = await fakeEngine('1.41', (req, res) => {
    if (req.url?.endsWith('/info') && fail) return json(res, 500, { message: 'busy' });
    json(
      res,
      200,
      req.url?.endsWith('/info')
        ? { DockerRootDir: '/var/lib/docker', Driver: 'overlay2' }
        : { Os: 'linux', Arch: 'amd64' },
    );
  });
  try {
    await assert.rejects(fake.engine.info(), (err) => isDamError(err));
    fail = false;
    const [a, b] = await Promise.all([fake.engine.info(), fake.engine.info()]);
    assert.equal((await fake.engine.info()).rootDir, '/var/lib/docker');
    assert.equal(a, b);
    // The failed pair, then exactly one more pair.
    assert.equal(fake.paths.filter((p) => p.endsWith('/info')).length, 2);
    assert.equal(fake.paths.filter((p) => p.endsWith('/version')).length, 2);
  } finally {
    fake.close();
  }
});
