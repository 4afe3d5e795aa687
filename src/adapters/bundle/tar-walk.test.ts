import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { isDamError } from '../../core/errors.js';
import { firstMember, isTarHeader, walkTar } from './tar-walk.js';

async function tarBytes(entries: Array<{ name: string; data?: string; type?: 'directory' }>): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) pack.entry({ name: e.name, ...(e.type ? { type: e.type } : {}) }, e.data ?? '');
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

test('a tar header is recognised by its checksum; text is not', async () => {
  const bytes = await tarBytes([{ name: 'dam-bundle.json', data: '{}' }]);
  assert.equal(isTarHeader(bytes.subarray(0, 512)), true);
  assert.equal(isTarHeader(Buffer.from('web:1.0\n'.padEnd(512, '\n'))), false);
  const broken = Buffer.from(bytes.subarray(0, 512));
  broken[0] = broken[0]! ^ 1;
  assert.equal(isTarHeader(broken), false);
});

test('the first member skips an empty-named root folder, as DAM 1.x writes it', async () => {
  const bytes = await tarBytes([
    { name: '', type: 'directory' },
    { name: '/app_list', data: 'a:1\n' },
  ]);
  assert.deepEqual(await firstMember(Readable.from([bytes]), 'x.tar', 100), {
    name: 'app_list',
    type: 'file',
    data: Buffer.from('a:1\n'),
  });
});

test('a tar cut short, or without its end-of-archive marker, is ARCHIVE_INVALID naming the file', async () => {
  const bytes = await tarBytes([{ name: 'a', data: 'x'.repeat(2000) }]);
  for (const cut of [bytes.subarray(0, 1000), bytes.subarray(0, bytes.length - 1024)]) {
    await assert.rejects(
      walkTar(Readable.from([cut]), { path: 'cut.tar' }, async (_h, body) => void body.resume()),
      (err) => isDamError(err, 'ARCHIVE_INVALID') && /'cut\.tar'.*truncated/.test(err.message),
    );
  }
});
