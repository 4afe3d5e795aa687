import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DamError } from '../../core/errors.js';
import { DigestVerifier, parseManifest, pickPlatform, sha256Digest } from './manifest.js';
import { Readable } from 'node:stream';

const d = (c: string) => `sha256:${c.repeat(64)}`;

test('an image manifest and an index are told apart and validated', () => {
  const image = parseManifest(
    {
      schemaVersion: 2,
      config: { mediaType: 'c', digest: d('a'), size: 10 },
      layers: [{ mediaType: 'l', digest: d('b'), size: 20 }],
    },
    'application/vnd.oci.image.manifest.v1+json',
    'reg',
    'x',
  );
  assert.equal(image.kind, 'image');
  const index = parseManifest(
    {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [{ digest: d('c'), size: 5, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } }],
    },
    '',
    'reg',
    'x',
  );
  assert.equal(index.kind, 'index');
  assert.throws(() => parseManifest({ schemaVersion: 1 }, '', 'reg', 'x'), /schema 1/);
  assert.throws(
    () => parseManifest({ schemaVersion: 2, config: { digest: 'md5:x', size: 1 }, layers: [] }, '', 'reg', 'x'),
    DamError,
  );
  // A wrong field is named by its path in the manifest.
  assert.throws(
    () =>
      parseManifest(
        { schemaVersion: 2, config: { digest: d('a'), size: 1 }, layers: [{ digest: d('b') }] },
        '',
        'reg',
        'x',
      ),
    /invalid manifest for x: layers\[0\]\.size is not a whole number/,
  );
  assert.throws(
    () => parseManifest({ schemaVersion: 2, config: { digest: d('a'), size: 1 } }, '', 'reg', 'x'),
    /layers is not a list/,
  );
});

test('platform choice from an index', () => {
  const entries = [
    { mediaType: 'm', digest: d('1'), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
    { mediaType: 'm', digest: d('2'), size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v6' } },
    { mediaType: 'm', digest: d('3'), size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
    { mediaType: 'm', digest: d('4'), size: 1, platform: { os: 'unknown', architecture: 'unknown' } },
  ];
  assert.equal(pickPlatform(entries, { os: 'linux', architecture: 'amd64' })?.digest, d('1'));
  assert.equal(pickPlatform(entries, { os: 'linux', architecture: 'arm', variant: 'v7' })?.digest, d('3'));
  assert.equal(pickPlatform(entries, { os: 'linux', architecture: 'arm' })?.digest, d('2'));
  assert.equal(pickPlatform(entries, { os: 'linux', architecture: 's390x' }), undefined);
});

test('the digest verifier passes matching bytes and fails others at the end', async () => {
  const data = Buffer.from('hello');
  const ok = Readable.from([data]).pipe(new DigestVerifier(sha256Digest(data), () => new Error('mismatch')));
  const chunks: Buffer[] = [];
  for await (const c of ok) chunks.push(c as Buffer);
  assert.equal(Buffer.concat(chunks).toString(), 'hello');
  const bad = Readable.from([data]).pipe(new DigestVerifier(d('0'), (actual) => new Error(`got ${actual}`)));
  await assert.rejects(async () => {
    for await (const _ of bad) void _;
  }, /got sha256:2cf24dba/);
});
