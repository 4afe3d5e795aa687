/* eslint-disable @typescript-eslint/no-explicit-any -- the cases edit raw JSON on purpose */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDamError } from '../errors.js';
import { canonicalJson } from './canonical-json.js';
import {
  BUNDLE_FORMAT,
  formatBundleIndex,
  layerBlobName,
  parseBundleIndex,
  sha256Hex,
  type BundleIndex,
} from './index-format.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const config = JSON.stringify({
  architecture: 'amd64',
  os: 'linux',
  config: { Labels: { DAM_APP_FAMILY: 'web' } },
  rootfs: { type: 'layers', diff_ids: [d('a'), d('b')] },
});
const imageId = `sha256:${sha256Hex(config)}`;

function sample(): BundleIndex {
  return {
    format: BUNDLE_FORMAT,
    product: {
      format: 1,
      name: 'plant',
      apps: [{ name: 'web', version: '1.0', tag: 'reg:5000/web:1.0', imageId, family: 'web' }],
    },
    images: [
      {
        imageId,
        tags: ['reg:5000/web:1.0'],
        config,
        layers: [d('a'), d('b')],
        meta: {
          install: { type: 'file', mode: 0o755, size: 10, sha256: 'c'.repeat(64) },
          lib: { type: 'directory', mode: 0o755 },
          link: { type: 'symlink', target: 'install' },
        },
      },
    ],
    blobs: [{ name: layerBlobName(d('b')), size: 2048, sha256: 'b'.repeat(64) }],
    omittedLayers: [d('a')],
  };
}

test('an index round-trips through its canonical bytes', () => {
  const bytes = formatBundleIndex(sample());
  assert.deepEqual(parseBundleIndex(bytes, 'b.dam'), sample());
  assert.equal(bytes.toString(), canonicalJson(JSON.parse(bytes.toString())));
  assert.ok(!bytes.toString().includes(' '.repeat(2)));
});

test('canonical JSON sorts keys and refuses floats', () => {
  assert.equal(
    canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: 1, y: 2 } }),
    '{"a":[true,null,"x"],"b":1,"c":{"y":2,"z":1}}',
  );
  assert.throws(() => canonicalJson({ a: 1.5 }));
});

const cases: Array<[string, (i: Record<string, any>) => void, RegExp]> = [
  ['a newer format', (i) => (i.format = 2), /format 2/],
  ['an unknown field', (i) => (i.extra = 1), /the index\.extra is not a known field/],
  [
    'a config that does not hash to the id',
    (i) => (i.images[0].config = i.images[0].config.replace('amd64', 'arm64')),
    /images\[0\]\.config does not hash/,
  ],
  ['layers unlike the config', (i) => (i.images[0].layers = [d('a')]), /images\[0\]\.layers differs/],
  ['a blob named unlike its digest', (i) => (i.blobs[0].name = 'layers/../x.tar'), /blobs\[0\]\.name/],
  ['a negative size', (i) => (i.blobs[0].size = -1), /blobs\[0\]\.size/],
  ['a layer neither carried nor omitted', (i) => (i.omittedLayers = []), /no blob for layer/],
  ['an omitted layer also carried', (i) => (i.omittedLayers = [d('a'), d('b')]), /which the bundle carries/],
  [
    'an app whose tag no image has',
    (i) => (i.product.apps[0].tag = 'other:1'),
    /product\.apps\[0\]\.tag names other:1/,
  ],
  [
    'a meta path that climbs',
    (i) => (i.images[0].meta['../x'] = { type: 'directory', mode: 493 }),
    /is not a plain relative path/,
  ],
  ['a meta entry of unknown type', (i) => (i.images[0].meta.install.type = 'fifo'), /meta\["install"\]\.type/],
  ['no images', (i) => (i.images = []), /images is empty/],
];

for (const [what, mutate, message] of cases) {
  test(`the index is refused with ${what}, naming the field`, () => {
    const raw = JSON.parse(formatBundleIndex(sample()).toString()) as Record<string, any>;
    mutate(raw);
    assert.throws(
      () => parseBundleIndex(Buffer.from(canonicalJson(raw)), 'b.dam'),
      (err) => isDamError(err) && message.test(err.message) && err.message.includes("'b.dam'"),
    );
  });
}

test('an index that is not canonical is refused, so that its bytes are the ones signed', () => {
  const pretty = Buffer.from(JSON.stringify(JSON.parse(formatBundleIndex(sample()).toString()), null, 2));
  assert.throws(() => parseBundleIndex(pretty, 'b.dam'), /not in canonical form/);
  assert.throws(() => parseBundleIndex(Buffer.from('{"format":1'), 'b.dam'), /not valid JSON/);
});
