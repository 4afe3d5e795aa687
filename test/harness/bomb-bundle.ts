// Decompression bombs in bundles of format 2, built without ever holding the inflated bytes: a layer tar of
// /meta scripts and one file of zeros, its deflate stream made of one compressed 1 MiB block of zeros repeated
// (a deflate block that only refers back into its own output decodes the same anywhere), so a layer of about a
// GiB is about a MB of gzip. Its diff id and CRC-32 are computed over the zeros chunk by chunk. And bundles
// of format 1 that state a bomb in their index, or carry one as a gzip'd blob.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { constants, crc32, createGzip, deflateRawSync, gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { headerBlock, memberBlocks } from '../../src/core/archive/tar-blocks.test-helper.js';
import {
  blobMember,
  blobsFor,
  formatBundleIndex2,
  ociMembers,
  resolveImage,
  type Image2,
} from '../../src/core/bundle/index-format2.js';
import { formatBundleIndex, layerBlobName } from '../../src/core/bundle/index-format.js';
import { imageManifest } from './oci-images.js';

const MIB = 1024 * 1024;
const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface BombLayer {
  /** One gzip member: its trailer tells the true size. */
  gz: Buffer;
  /** The same tar as two gzip members, the second holding the last 1 KiB: its trailer says 1024. */
  lyingGz: Buffer;
  diffId: string;
  /** Bytes of the layer tar once inflated. */
  unpacked: number;
}

const gzipHeader = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
const fullFlush = { finishFlush: constants.Z_FULL_FLUSH };

function trailer(crc: number, size: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeUInt32LE(crc >>> 0, 0);
  out.writeUInt32LE(size % 2 ** 32, 4);
  return out;
}

/** A layer of /meta scripts (appending to $DAMTEST_LOG) and `zeroMiB` MiB of zeros. */
export function bombLayer(zeroMiB: number): BombLayer {
  const script = (what: string) => `#!/bin/sh\necho "bomb ${what} $DAM_APP_NAME" >> "$DAMTEST_LOG"\n`;
  const prefix = Buffer.concat([
    memberBlocks('meta/', '', '5'),
    memberBlocks('meta/install', script('install')),
    memberBlocks('meta/uninstall', script('uninstall')),
    headerBlock('zeros', '0', zeroMiB * MIB),
  ]);
  const end = Buffer.alloc(1024);
  const zeros = Buffer.alloc(MIB);
  const hash = createHash('sha256').update(prefix);
  let crc = crc32(prefix);
  for (let i = 0; i < zeroMiB; i++) {
    hash.update(zeros);
    crc = crc32(zeros, crc);
  }
  const block = deflateRawSync(zeros, fullFlush);
  const body = [deflateRawSync(prefix, fullFlush), ...Array.from({ length: zeroMiB }, () => block)];
  const gz = Buffer.concat([
    gzipHeader,
    ...body,
    deflateRawSync(end),
    trailer(crc32(end, crc), prefix.length + zeroMiB * MIB + 1024),
  ]);
  const lyingGz = Buffer.concat([
    gzipHeader,
    ...body,
    deflateRawSync(Buffer.alloc(0)),
    trailer(crc, prefix.length + zeroMiB * MIB),
    gzipSync(end),
  ]);
  return {
    gz,
    lyingGz,
    diffId: `sha256:${hash.update(end).digest('hex')}`,
    unpacked: prefix.length + zeroMiB * MIB + 1024,
  };
}

/**
 * Writes a format 2 bundle of one image `tag` (labels of a DAM app plus `labels`) whose layer is `gz`, with
 * the index giving its unpacked size when `unpackedSize` is set. With `carried`, the bundle holds those bytes
 * in the layer's place instead (a swapped blob: the index and the config still describe `gz`).
 */
export async function writeBombBundle(
  path: string,
  options: {
    tag: string;
    gz: Buffer;
    diffId: string;
    labels: Record<string, string>;
    unpackedSize?: number;
    carried?: Buffer;
  },
): Promise<void> {
  const name = options.tag.slice(0, options.tag.lastIndexOf(':'));
  const config = JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: {
      Labels: { DAM_APP_FAMILY: name, DAM_APP_MULTIVERSION: 'false', DAM_APP_SERVERS: ',', ...options.labels },
    },
    rootfs: { type: 'layers', diff_ids: [options.diffId] },
  });
  const layer = { digest: sha(options.gz), size: options.gz.length };
  const manifest = imageManifest(config, [layer]);
  const image: Image2 = { tags: [options.tag], platform: { os: 'linux', architecture: 'amd64' }, manifest, config };
  const resolved = resolveImage(image, path, 'images[0]');
  const unpacked = options.unpackedSize === undefined ? undefined : new Map([[layer.digest, options.unpackedSize]]);
  const blobs = blobsFor([resolved], new Set(), unpacked);
  const version = options.tag.slice(options.tag.lastIndexOf(':') + 1);
  const index = formatBundleIndex2({
    format: 2,
    product: { format: 1, name: `${name}-product`, apps: [{ name, version, tag: options.tag }] },
    images: [image],
    blobs,
    omittedLayers: [],
  });
  const bytes = new Map<string, Buffer>([
    [layer.digest, options.carried ?? options.gz],
    [resolved.manifestDigest, Buffer.from(manifest)],
    [resolved.imageId, Buffer.from(config)],
  ]);
  const tar = pack();
  const writing = pipeline(tar, createWriteStream(path));
  tar.entry({ name: 'dam-bundle.json' }, index);
  tar.entry({ name: 'oci-layout' }, '{"imageLayoutVersion":"1.0.0"}');
  tar.entry({ name: 'index.json' }, ociMembers([resolved]).indexJson);
  for (const b of blobs) tar.entry({ name: blobMember(b.digest) }, bytes.get(b.digest)!);
  tar.finalize();
  await writing;
}

/**
 * Writes a bundle of format 1 of one image `tag` whose one blob is `blob` (its sha256 the image's diff id),
 * the index stating `statedSize` for it when given (and then holding the index only: opening reads no
 * further), the whole tar gzip'd when `gzip`.
 */
export async function writeFormat1Bomb(
  path: string,
  options: { tag: string; blob: Buffer; labels: Record<string, string>; statedSize?: number; gzip?: boolean },
): Promise<void> {
  const name = options.tag.slice(0, options.tag.lastIndexOf(':'));
  const diffId = sha(options.blob);
  const config = JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: {
      Labels: { DAM_APP_FAMILY: name, DAM_APP_MULTIVERSION: 'false', DAM_APP_SERVERS: ',', ...options.labels },
    },
    rootfs: { type: 'layers', diff_ids: [diffId] },
  });
  const version = options.tag.slice(options.tag.lastIndexOf(':') + 1);
  const blob = {
    name: layerBlobName(diffId),
    sha256: diffId.slice(7),
    size: options.statedSize ?? options.blob.length,
  };
  const index = formatBundleIndex({
    format: 1,
    product: { format: 1, name: `${name}-product`, apps: [{ name, version, tag: options.tag }] },
    images: [{ imageId: sha(config), tags: [options.tag], config, layers: [diffId], meta: {} }],
    blobs: [blob],
    omittedLayers: [],
  });
  const tar = pack();
  const writing = options.gzip
    ? pipeline(tar, createGzip(), createWriteStream(path))
    : pipeline(tar, createWriteStream(path));
  tar.entry({ name: 'dam-bundle.json' }, index);
  if (options.statedSize === undefined) tar.entry({ name: blob.name }, options.blob);
  tar.finalize();
  await writing;
}
