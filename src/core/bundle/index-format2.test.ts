import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BUNDLE_FORMAT_2,
  blobsFor,
  formatBundleIndex2,
  ociMembers,
  parseBundleIndex2,
  resolveImage,
  type BundleIndex2,
  type Image2,
} from './index-format2.js';
import { buildImageManifest, digestOf, MEDIA_TYPES } from './oci-manifest.js';
import { parseMetaListing } from './index-format.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;

function image(arch: string, diffs: string[], layerDigests: string[]): Image2 {
  const config = JSON.stringify({ architecture: arch, os: 'linux', rootfs: { type: 'layers', diff_ids: diffs } });
  const manifest = buildImageManifest(
    { mediaType: MEDIA_TYPES.ociConfig, digest: digestOf(config), size: config.length },
    layerDigests.map((l) => ({ mediaType: MEDIA_TYPES.ociLayerGzip, digest: l, size: 10 })),
  );
  return { tags: ['reg:5000/web:1.0'], platform: { os: 'linux', architecture: arch }, manifest, config };
}

function bundleOf(images: Image2[], omitted: string[] = []): { index: BundleIndex2; bytes: Buffer } {
  const resolved = images.map((img, i) => resolveImage(img, 't', `images[${i}]`));
  const index: BundleIndex2 = {
    format: BUNDLE_FORMAT_2,
    product: { format: 1, apps: [{ name: 'web', version: '1.0', tag: 'reg:5000/web:1.0' }] },
    images,
    blobs: blobsFor(resolved, new Set(omitted)),
    omittedLayers: omitted,
  };
  return { index, bytes: formatBundleIndex2(index) };
}

const parse = (bytes: Buffer) =>
  parseBundleIndex2(JSON.parse(bytes.toString('utf8')), bytes, 't', (at, v) => parseMetaListing('t', at, v));

test('two platforms under one tag: the shared layer once, an index for the tag', () => {
  const { index, bytes } = bundleOf([
    image('amd64', [d('1'), d('2')], [d('a'), d('b')]),
    image('arm64', [d('1'), d('3')], [d('a'), d('c')]),
  ]);
  const { images } = parse(bytes);
  assert.equal(index.blobs.filter((b) => b.digest === d('a')).length, 1);
  assert.equal(index.blobs.length, 1 + 2 + 2 + 3);
  const members = ociMembers(images);
  assert.equal(members.platformIndexes.length, 1);
  assert.match(members.indexJson, /"org.opencontainers.image.ref.name":"reg:5000\/web:1.0"/);
});

test('refuses an index whose blobs miss a layer, that is not canonical, or repeats a platform', () => {
  const { index } = bundleOf([image('amd64', [d('1')], [d('a')])]);
  const lacking = formatBundleIndex2({ ...index, blobs: index.blobs.slice(0, -1) });
  assert.throws(() => parse(lacking), /does not list sha256:a{64}/);
  const spaced = Buffer.from(JSON.stringify(JSON.parse(formatBundleIndex2(index).toString()), null, 1));
  assert.throws(() => parse(spaced), /canonical/);
  const twice = bundleOf([image('amd64', [d('1')], [d('a')]), image('amd64', [d('1')], [d('a')])]);
  assert.throws(() => parse(twice.bytes), /repeats/);
});

test('a delta leaves out a layer blob by its diff id', () => {
  const { index, bytes } = bundleOf([image('amd64', [d('1'), d('2')], [d('a'), d('b')])], [d('1')]);
  assert.ok(!index.blobs.some((b) => b.digest === d('a')));
  assert.deepEqual(parse(bytes).index.omittedLayers, [d('1')]);
});
