import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { isDamError } from '../../core/errors.js';
import type { ProgressEvent } from '../../core/ports/engine.js';
import { consumeMessages, interpret, jsonLines } from './json-stream.js';

/** A response body cut into awkward chunks, as a socket may deliver it. */
function body(lines: unknown[], chunk = 7): Readable {
  const text = lines.map((l) => `${JSON.stringify(l)}\r\n`).join('');
  const bytes = Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) parts.push(bytes.subarray(i, i + chunk));
  return Readable.from(parts);
}

test('JSON lines split across chunks, and multi-byte characters split across chunks, parse whole', async () => {
  const values: unknown[] = [];
  for await (const v of jsonLines(body([{ stream: 'héllo ✓\n' }, { status: 'x' }], 3), 'test')) values.push(v);
  assert.deepEqual(values, [{ stream: 'héllo ✓\n' }, { status: 'x' }]);
});

test('a line that is not JSON is an ENGINE_ERROR naming the operation', async () => {
  await assert.rejects(
    consumeMessages(Readable.from(['{"status":"a"}\nnot json\n']), { what: 'pulling x' }),
    (e) => isDamError(e, 'ENGINE_ERROR') && /pulling x/.test(e.message),
  );
});

test('progress messages become events with id, status and byte counts', () => {
  assert.deepEqual(
    interpret({ status: 'Downloading', id: 'abc', progressDetail: { current: 10, total: 100 }, progress: '[=>  ]' }),
    [{ kind: 'progress', event: { id: 'abc', status: 'Downloading', current: 10, total: 100 } }],
  );
  assert.deepEqual(interpret({ status: 'Pull complete', id: 'abc', progressDetail: {} }), [
    { kind: 'progress', event: { id: 'abc', status: 'Pull complete' } },
  ]);
  assert.deepEqual(interpret({ status: 'Digest: sha256:00' }), [
    { kind: 'progress', event: { status: 'Digest: sha256:00' } },
  ]);
});

test('an errorDetail inside an HTTP 200 stream rejects with the engine message', async () => {
  const events: ProgressEvent[] = [];
  const stream = body([
    { status: 'Preparing', id: 'l1', progressDetail: {} },
    {
      errorDetail: { message: 'unauthorized: authentication required' },
      error: 'unauthorized: authentication required',
    },
    { status: 'never seen' },
  ]);
  await assert.rejects(consumeMessages(stream, { what: 'pushing x:1', onProgress: (e) => events.push(e) }), (e) => {
    assert.ok(isDamError(e, 'ENGINE_ERROR'));
    assert.equal(e.message, 'Pushing x:1 failed: unauthorized: authentication required');
    return true;
  });
  assert.deepEqual(events, [{ id: 'l1', status: 'Preparing' }]);
});

test('an `error` field alone is an error too', async () => {
  await assert.rejects(
    consumeMessages(body([{ error: 'boom' }]), { what: 'loading images' }),
    (e) => isDamError(e, 'ENGINE_ERROR') && /boom/.test(e.message),
  );
});

test('build output: stream text is split into lines, aux carries the image id', async () => {
  const lines: string[] = [];
  const events: ProgressEvent[] = [];
  let id: unknown;
  await consumeMessages(
    body([
      { stream: 'Step 1/2 : FROM base\n' },
      { stream: ' ---> 61cb5a7d3094\n' },
      { stream: 'partial ' },
      { stream: 'line\nlast without newline' },
      { aux: { ID: 'sha256:abc' } },
    ]),
    { what: 'building x', onLine: (l) => lines.push(l), onProgress: (e) => events.push(e), onAux: (a) => (id = a.ID) },
  );
  assert.deepEqual(lines, ['Step 1/2 : FROM base', ' ---> 61cb5a7d3094', 'partial line', 'last without newline']);
  assert.deepEqual(
    events.map((e) => e.status),
    lines,
  );
  assert.equal(id, 'sha256:abc');
});

test('a stream cut by the engine is an ENGINE_ERROR, an abort is INTERRUPTED', async () => {
  const broken = new Readable({
    read() {
      this.push('{"status":"a"}\n');
      this.destroy(new Error('socket hang up'));
    },
  });
  await assert.rejects(
    consumeMessages(broken, { what: 'pulling x' }),
    (e) => isDamError(e, 'ENGINE_ERROR') && /broke while pulling x/.test(e.message),
  );
  const controller = new AbortController();
  const slow = new Readable({
    read() {
      controller.abort();
      this.destroy(new Error('aborted'));
    },
  });
  await assert.rejects(consumeMessages(slow, { what: 'pulling x', signal: controller.signal }), (e) =>
    isDamError(e, 'INTERRUPTED'),
  );
});
