import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDamError } from '../errors.js';
import {
  digestFromBlobPath,
  parseImageConfig,
  parseLegacyManifest,
  parseOciIndex,
  planImage,
  verifyImagePlan,
  type ObservedMember,
} from './docker-save.js';

const hex = (c: string) => c.repeat(64);
const d = (c: string) => `sha256:${hex(c)}`;

function rejects(fn: () => unknown, pattern: RegExp, name: string): void {
  assert.throws(fn, (err: unknown) => isDamError(err, 'ARCHIVE_INVALID') && pattern.test(err.message), name);
}

test('parseLegacyManifest: docker 20.10, 1.x leading slashes, docker 25 blobs', () => {
  assert.deepEqual(
    parseLegacyManifest([{ Config: `${hex('a')}.json`, RepoTags: null, Layers: [`${hex('b')}/layer.tar`] }], 'f'),
    [{ config: `${hex('a')}.json`, repoTags: [], layers: [`${hex('b')}/layer.tar`] }],
  );
  assert.deepEqual(
    parseLegacyManifest([{ Config: '/c.json', RepoTags: ['r/web:1'], Layers: ['/l/layer.tar'] }], 'f')[0],
    { config: 'c.json', repoTags: ['r/web:1'], layers: ['l/layer.tar'] },
  );
  assert.deepEqual(
    parseLegacyManifest(
      [
        {
          Config: `blobs/sha256/${hex('a')}`,
          RepoTags: ['web:1'],
          Layers: [`blobs/sha256/${hex('b')}`],
          LayerSources: {},
        },
      ],
      'f',
    )[0]?.layers,
    [`blobs/sha256/${hex('b')}`],
  );
});

test('parseLegacyManifest refuses what is not a manifest, and escaping paths', () => {
  const cases: [unknown, RegExp][] = [
    [{}, /not a non-empty list/],
    [[], /not a non-empty list/],
    [[1], /entry 0 is not an object/],
    [[{ Config: 'c.json', Layers: 'x' }], /no Layers list/],
    [[{ Config: 7, Layers: [] }], /Config is not a string/],
    [[{ Config: '../c.json', Layers: [] }], /Config '..\/c.json' contains a `..` component/],
    [[{ Config: 'c.json', Layers: ['a/../../etc/shadow'] }], /layer 0 'a\/..\/..\/etc\/shadow' contains a `..`/],
    [[{ Config: '/', Layers: [] }], /names the root folder/],
    [[{ Config: 'c.json', RepoTags: [1], Layers: [] }], /RepoTags\[0\] is not a string/],
  ];
  for (const [json, pattern] of cases) rejects(() => parseLegacyManifest(json, 'f'), pattern, JSON.stringify(json));
});

test('parseOciIndex follows index -> manifest -> config and layer blobs, through nested indexes', () => {
  const blobs: Record<string, unknown> = {
    [d('1')]: {
      schemaVersion: 2,
      config: { digest: d('c') },
      layers: [{ digest: d('e'), mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }],
    },
    [d('2')]: {
      schemaVersion: 2,
      manifests: [{ digest: d('1'), mediaType: 'application/vnd.oci.image.manifest.v1+json' }],
    },
  };
  const index = {
    schemaVersion: 2,
    manifests: [
      {
        digest: d('2'),
        mediaType: 'application/vnd.oci.image.index.v1+json',
        annotations: { 'io.containerd.image.name': 'docker.io/library/web:1' },
      },
    ],
  };
  assert.deepEqual(
    parseOciIndex(index, (x) => blobs[x], 'f'),
    [
      {
        config: `blobs/sha256/${hex('c')}`,
        repoTags: ['docker.io/library/web:1'],
        layers: [`blobs/sha256/${hex('e')}`],
      },
    ],
  );
  rejects(
    () => parseOciIndex({ manifests: [{ digest: d('9') }] }, () => undefined, 'f'),
    /blob sha256:9+ named by index.json is missing/,
    'missing blob',
  );
  rejects(
    () => parseOciIndex({ manifests: [{ digest: 'md5:x' }] }, () => undefined, 'f'),
    /no valid sha256 digest/,
    'bad digest',
  );
  rejects(() => parseOciIndex({ manifests: [] }, () => undefined, 'f'), /lists no image/, 'empty');
});

test('parseImageConfig reads diff_ids and string labels', () => {
  const config = parseImageConfig(
    {
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: { DAM_APP_FAMILY: 'web', n: 1 } },
      rootfs: { type: 'layers', diff_ids: [d('a')] },
    },
    'f',
    'c.json',
  );
  assert.deepEqual(config, {
    diffIds: [d('a')],
    labels: { DAM_APP_FAMILY: 'web' },
    os: 'linux',
    architecture: 'amd64',
  });
  assert.deepEqual(parseImageConfig({ config: { Labels: null }, rootfs: { diff_ids: [] } }, 'f', 'c').labels, {});
  rejects(() => parseImageConfig({ rootfs: {} }, 'f', 'c.json'), /config c.json has no rootfs.diff_ids/, 'no diff ids');
  rejects(
    () => parseImageConfig({ rootfs: { diff_ids: ['sha256:xyz'] } }, 'f', 'c.json'),
    /diff_id 0 is not a sha256 digest/,
    'bad diff id',
  );
});

test('planImage and verifyImagePlan: which members, which digests', () => {
  const legacy = planImage(
    { config: `${hex('a')}.json`, repoTags: ['web:1'], layers: ['x/layer.tar', 'y/layer.tar'] },
    { diffIds: [d('1'), d('2')], labels: {} },
    d('a'),
    'f',
  );
  assert.equal(legacy.imageId, d('a'));
  assert.deepEqual(legacy.layers, [
    { path: 'x/layer.tar', diffId: d('1') },
    { path: 'y/layer.tar', diffId: d('2') },
  ]);
  const seen: Record<string, ObservedMember> = {
    'x/layer.tar': { size: 1, digest: d('1') },
    'y/layer.tar': { size: 1, digest: d('9'), uncompressedDigest: d('2') },
  };
  assert.deepEqual(
    verifyImagePlan(legacy, (p) => seen[p]),
    [],
  );
  assert.deepEqual(
    verifyImagePlan(legacy, (p) => (p === 'x/layer.tar' ? { size: 1, digest: d('3') } : undefined)),
    [
      `layer 1 (x/layer.tar) has content digest ${d('3')}, but the config says ${d('1')}`,
      'layer 2 (y/layer.tar) is missing',
    ],
  );

  const oci = planImage(
    { config: `blobs/sha256/${hex('c')}`, repoTags: [], layers: [`blobs/sha256/${hex('f')}`] },
    { diffIds: [d('1')], labels: {} },
    d('c'),
    'f',
  );
  assert.equal(oci.layers[0]?.blobDigest, d('f'));
  assert.deepEqual(
    verifyImagePlan(oci, () => ({ size: 1, digest: d('f'), uncompressedDigest: d('1') })),
    [],
  );
  assert.match(
    verifyImagePlan(oci, () => ({ size: 1, digest: d('e'), uncompressedDigest: d('1') }))[0]!,
    /has digest sha256:e+, expected sha256:f+/,
  );

  rejects(
    () => planImage({ config: 'c.json', repoTags: [], layers: ['x'] }, { diffIds: [], labels: {} }, d('c'), 'f'),
    /lists 1 layers but config c.json has 0 diff_ids/,
    'count',
  );
  rejects(
    () => planImage({ config: `${hex('a')}.json`, repoTags: [], layers: [] }, { diffIds: [], labels: {} }, d('b'), 'f'),
    /not the one in its name/,
    'config digest',
  );
});

test('digestFromBlobPath', () => {
  assert.equal(digestFromBlobPath(`blobs/sha256/${hex('a')}`), d('a'));
  assert.equal(digestFromBlobPath('blobs/sha256/short'), undefined);
  assert.equal(digestFromBlobPath('manifest.json'), undefined);
});
