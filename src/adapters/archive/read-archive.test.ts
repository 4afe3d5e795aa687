import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { isDamError } from '../../core/errors.js';
import { crc32, formatDamName } from '../../core/archive/dam-name.js';
import { extractMetaFromLayers, inspectArchive } from './read-archive.js';
import { legacyMembers, metaLayer, ociMembers, sha256, tarOf, type Member } from './fixtures.test-helper.js';

let dir: string;
let base: Buffer;
let meta: Buffer;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'damtest-read-archive-'));
  base = await tarOf([
    { name: 'bin/', type: 'directory' },
    { name: 'bin/sh', data: 'not really a shell', mode: 0o755 },
  ]);
  meta = await metaLayer();
});
after(() => rm(dir, { recursive: true, force: true }));

async function file(name: string, data: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, data);
  return path;
}

const damFile = (name: string, version: string, gz: Buffer) => file(formatDamName(name, version, crc32(gz)), gz);

async function rejected(
  path: string,
  pattern: RegExp,
  code: 'ARCHIVE_INVALID' | 'NOT_FOUND' = 'ARCHIVE_INVALID',
): Promise<void> {
  await assert.rejects(inspectArchive(path), (err: unknown) => {
    assert.ok(isDamError(err, code), `expected ${code}, got ${String(err)}`);
    assert.match(err.message, pattern);
    assert.ok(err.message.includes(path), 'the message names the file');
    return true;
  });
}

test('a plain docker-save tar: tags, labels, image id and layers, without the engine', async () => {
  const members = legacyMembers({
    layers: [base, meta],
    labels: { DAM_APP_FAMILY: 'web' },
    repoTags: ['reg:5000/web:1.0'],
  });
  const path = await file('plain.tar', await tarOf(members));
  const info = await inspectArchive(path);
  const config = members.find((m) => m.name.endsWith('.json') && m.name !== 'manifest.json')!;
  assert.deepEqual(info.tags, ['reg:5000/web:1.0']);
  assert.deepEqual(info.labels, { DAM_APP_FAMILY: 'web' });
  assert.equal(info.imageId, sha256(Buffer.from(config.data!)));
  assert.deepEqual(
    info.layers.map((l) => l.diffId),
    [sha256(base), sha256(meta)],
  );
  assert.equal(info.compressed, false);
  assert.equal(info.layout, 'legacy');
  assert.equal(info.crc32, undefined);
  assert.equal(info.size, (await stat(path)).size);
});

test('gzip is detected by content, not by name; a 1.x name has its CRC-32 checked', async () => {
  const gz = gzipSync(await tarOf(legacyMembers({ layers: [base, meta], repoTags: ['web:1.0'] })));
  assert.equal((await inspectArchive(await file('looks-plain.tar', gz))).compressed, true);
  const path = await damFile('my-app', '1.0.0', gz);
  assert.equal((await inspectArchive(path)).crc32, (crc32(gz) >>> 0).toString(16).padStart(8, '0'));
});

test('DAM 1.x layout: leading `/` names and an empty-named root folder', async () => {
  const members: Member[] = [
    { name: '', type: 'directory' },
    ...legacyMembers({ layers: [base, meta], repoTags: ['reg/web:1.0'] }, '/'),
  ];
  const info = await inspectArchive(await damFile('web', '1.0', gzipSync(await tarOf(members))));
  assert.deepEqual(info.tags, ['reg/web:1.0']);
});

test('OCI layout (Docker 25+): index.json and blobs, gzip-compressed layers checked against diff ids', async () => {
  const info = await inspectArchive(
    await file(
      'oci.tar',
      await tarOf(ociMembers({ layers: [base, meta], labels: { a: 'b' }, repoTags: ['docker.io/library/web:1.0'] })),
    ),
  );
  assert.equal(info.layout, 'oci');
  assert.deepEqual(info.tags, ['docker.io/library/web:1.0']);
  assert.deepEqual(
    info.layers.map((l) => l.diffId),
    [sha256(base), sha256(meta)],
  );
});

test('a layer stored twice through a symlink (docker save of shared layers) is accepted', async () => {
  const members = legacyMembers({ layers: [base, meta] });
  const manifest = JSON.parse(String(members.at(-1)!.data)) as { Layers: string[] }[];
  const [first] = manifest[0]!.Layers;
  const second = manifest[0]!.Layers[1]!;
  // Make the meta layer a symlink to a copy stored under another folder.
  const copy = 'copy/layer.tar';
  const edited = members.map((m) =>
    m.name === second ? { name: second, type: 'symlink' as const, linkname: `../${copy}` } : m,
  );
  edited.unshift({ name: 'copy', type: 'directory' }, { name: copy, data: meta });
  assert.ok(first);
  assert.equal((await inspectArchive(await file('linked.tar', await tarOf(edited)))).layers.length, 2);
});

test('damaged files are refused with what is wrong', async () => {
  const good = await tarOf(legacyMembers({ layers: [base, meta], repoTags: ['web:1.0'] }));
  const gz = gzipSync(good);

  await rejected(await file('cut.tar.gz', gz.subarray(0, Math.floor(gz.length / 2))), /the gzip stream is truncated/);
  await rejected(await file('cut-mid-entry.tar', good.subarray(0, 3000)), /the tar stream is truncated/);
  const cutAtEntry = good.subarray(0, good.length - 1024);
  await rejected(await file('cut-at-end.tar', cutAtEntry), /truncated \(no end-of-archive marker\)/);

  const flipped = Buffer.from(gz);
  flipped[Math.floor(gz.length / 2)]! ^= 0x10;
  await rejected(await file('flipped.tar.gz', flipped), /the gzip data is corrupt \(incorrect data check|invalid/);
  const named = join(dir, formatDamName('web', '1.0', crc32(gz)));
  await writeFile(named, flipped);
  await rejected(named, /CRC-32 does not match the [0-9a-f]{8} in its name/);
  await rejected(await file('web-1.0.00000000.dam', gz), /CRC-32 does not match the 00000000 in its name/);

  const layerAt = good.indexOf(Buffer.from('not really a shell'));
  const badLayer = Buffer.from(good);
  badLayer[layerAt]! ^= 0x01;
  await rejected(
    await file('bad-layer.tar', badLayer),
    /layer 1 \(.+\/layer\.tar\) has content digest sha256:[0-9a-f]{64}, but the config says sha256:[0-9a-f]{64}/,
  );
});

test('unsafe members are refused, each named', async () => {
  const ok = legacyMembers({ layers: [base, meta] });
  const cases: [string, Member[], RegExp][] = [
    ['dotdot', [...ok, { name: '../evil', data: 'x' }], /member '\.\.\/evil' contains a `\.\.` component/],
    ['dotdot-inside', [...ok, { name: 'a/../../evil', data: 'x' }], /member 'a\/\.\.\/\.\.\/evil' contains a `\.\.`/],
    [
      'symlink-out',
      [...ok, { name: 'link', type: 'symlink', linkname: '../../etc/passwd' }],
      /member 'link' is a symbolic link pointing outside the archive \('\.\.\/\.\.\/etc\/passwd'\)/,
    ],
    [
      'symlink-abs',
      [...ok, { name: 'link', type: 'symlink', linkname: '/etc/passwd' }],
      /member 'link' is a symbolic link pointing outside/,
    ],
    [
      'hardlink-out',
      [...ok, { name: 'hl', type: 'link', linkname: '../x' }],
      /member 'hl' is a hard link pointing outside/,
    ],
    [
      'device',
      [...ok, { name: 'dev', type: 'character-device' }],
      /member 'dev' is a character-device; devices and FIFOs are not allowed/,
    ],
    ['fifo', [...ok, { name: 'pipe', type: 'fifo' }], /member 'pipe' is a fifo; devices and FIFOs are not allowed/],
    ['duplicate', [...ok, ok.at(-1)!], /member 'manifest.json' appears twice/],
    ['duplicate-1x', [...ok, { ...ok.at(-1)!, name: '/manifest.json' }], /member 'manifest.json' appears twice/],
    ['root-file', [{ name: '/', type: 'file', data: 'x' }, ...ok], /names the root but is not a folder/],
  ];
  for (const [name, members, pattern] of cases)
    await rejected(await file(`${name}.tar`, await tarOf(members)), pattern);
});

test('archives that are not one docker-save image are refused', async () => {
  await rejected(
    await file('empty-tar.tar', await tarOf([{ name: 'hello.txt', data: 'hi' }])),
    /neither manifest.json nor index.json/,
  );
  const two = legacyMembers({ layers: [base] });
  const manifest = JSON.parse(String(two.at(-1)!.data)) as unknown[];
  two[two.length - 1] = { name: 'manifest.json', data: JSON.stringify([manifest[0], manifest[0]]) };
  await rejected(await file('two.tar', await tarOf(two)), /holds 2 images; an app archive holds exactly one/);
  await rejected(
    await file('text.tar', Buffer.from('hello, not a tar at all'.repeat(40))),
    /tar header is corrupt|truncated/,
  );
  await rejected(join(dir, 'absent.dam'), /does not exist/, 'NOT_FOUND');
});

test('extractMetaFromLayers reads /meta from the layers, top over bottom, honouring whiteouts', async () => {
  const upper = await tarOf([
    { name: 'meta/', type: 'directory' },
    { name: 'meta/install', data: '#!/bin/sh\necho v2\n', mode: 0o4755 },
    { name: 'meta/.wh.uninstall', data: '' },
    { name: 'meta/uninstall.sh', data: 'x' },
    { name: 'meta/link', type: 'symlink', linkname: 'install' },
  ]);
  const path = await damFile(
    'web',
    '2.0',
    gzipSync(await tarOf(legacyMembers({ layers: [base, meta, upper], repoTags: ['web:2.0'] }))),
  );
  const dest = join(dir, 'meta-out');
  const { info } = await extractMetaFromLayers(path, dest);
  assert.deepEqual(info.tags, ['web:2.0']);
  assert.deepEqual((await readdir(dest)).sort(), ['install', 'link', 'uninstall.sh']);
  assert.equal(await readFile(join(dest, 'install'), 'utf8'), '#!/bin/sh\necho v2\n');
  assert.equal((await stat(join(dest, 'install'))).mode & 0o7777, 0o755, 'setuid dropped, exec kept');
  await assert.rejects(extractMetaFromLayers(path, dest), (err: unknown) => isDamError(err, 'CONFLICT'));
  await extractMetaFromLayers(path, dest, { replace: true });
});

test('extractMetaFromLayers: no /meta is NOT_FOUND; unsafe /meta entries are refused; OCI gzip layers work', async () => {
  const noMeta = await file('nometa.tar', await tarOf(legacyMembers({ layers: [base] })));
  await assert.rejects(
    extractMetaFromLayers(noMeta, join(dir, 'm1')),
    (err: unknown) => isDamError(err, 'NOT_FOUND') && /has no \/meta folder/.test(err.message),
  );
  const evil = await metaLayer([{ name: 'meta/out', type: 'symlink', linkname: '../../etc/shadow' }]);
  const evilPath = await file('evil.tar', await tarOf(legacyMembers({ layers: [base, evil] })));
  await assert.rejects(
    extractMetaFromLayers(evilPath, join(dir, 'm2')),
    (err: unknown) =>
      isDamError(err, 'ARCHIVE_INVALID') &&
      /Refused entry 'out' in the \/meta folder of archive .*symbolic link pointing outside/.test(err.message),
  );
  await assert.rejects(stat(join(dir, 'm2')), 'nothing is left behind');
  const device = await metaLayer([{ name: 'meta/dev', type: 'character-device' }]);
  await assert.rejects(
    extractMetaFromLayers(await file('dev.tar', await tarOf(legacyMembers({ layers: [device] }))), join(dir, 'm3')),
    /Refused entry 'meta\/dev'.*character-device/,
  );
  const oci = await file('oci-meta.tar', await tarOf(ociMembers({ layers: [base, meta] })));
  await extractMetaFromLayers(oci, join(dir, 'm4'));
  assert.deepEqual((await readdir(join(dir, 'm4'))).sort(), ['install', 'uninstall']);
});
