// Builds docker-save archives in memory for the archive reader's tests: legacy and OCI layouts, DAM 1.x's
// quirks, and hand-made faults.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';

export interface Member {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'fifo';
  data?: Buffer | string;
  linkname?: string;
  mode?: number;
}

/** A tar of these members, as bytes. */
export async function tarOf(members: Member[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (c: unknown) => chunks.push(c as Buffer));
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  for (const m of members) {
    const data = m.data === undefined ? undefined : Buffer.from(m.data);
    const header = {
      name: m.name,
      type: m.type ?? 'file',
      mode: m.mode ?? (m.type === 'directory' ? 0o755 : 0o644),
      mtime: new Date(0),
      ...(m.linkname !== undefined ? { linkname: m.linkname } : {}),
    };
    if (data) pack.entry(header, data);
    else pack.entry(header);
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface ImageFixture {
  layers: Buffer[];
  labels?: Record<string, string>;
  repoTags?: string[] | null;
}

/** The members of a legacy (Docker 20.10) docker-save tar of one image. */
export function legacyMembers(image: ImageFixture, prefix = ''): Member[] {
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: image.labels ?? {} },
      rootfs: { type: 'layers', diff_ids: image.layers.map(sha256) },
    }),
  );
  const configName = `${sha256(config).slice(7)}.json`;
  const layerDirs = image.layers.map((l, i) => `${sha256(Buffer.concat([l, Buffer.from([i])])).slice(7)}`);
  const members: Member[] = [];
  image.layers.forEach((layer, i) => {
    members.push({ name: `${prefix}${layerDirs[i]}`, type: 'directory' });
    members.push({ name: `${prefix}${layerDirs[i]}/VERSION`, data: '1.0' });
    members.push({ name: `${prefix}${layerDirs[i]}/layer.tar`, data: layer });
  });
  members.push({ name: `${prefix}${configName}`, data: config });
  members.push({
    name: `${prefix}manifest.json`,
    data: JSON.stringify([
      { Config: configName, RepoTags: image.repoTags ?? null, Layers: layerDirs.map((d) => `${d}/layer.tar`) },
    ]),
  });
  return members;
}

/** The members of an OCI-layout save (Docker 25+, without manifest.json), with gzip-compressed layers. */
export function ociMembers(image: ImageFixture): Member[] {
  const blobs = new Map<string, Buffer>();
  const put = (b: Buffer) => {
    const d = sha256(b);
    blobs.set(d, b);
    return d;
  };
  const config = Buffer.from(
    JSON.stringify({
      os: 'linux',
      config: { Labels: image.labels ?? {} },
      rootfs: { type: 'layers', diff_ids: image.layers.map(sha256) },
    }),
  );
  const configDigest = put(config);
  const layerDigests = image.layers.map((l) => put(gzipSync(l)));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { digest: configDigest, mediaType: 'application/vnd.oci.image.config.v1+json' },
      layers: layerDigests.map((digest) => ({ digest, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' })),
    }),
  );
  const manifestDigest = put(manifest);
  const annotations = image.repoTags?.[0] ? { 'io.containerd.image.name': image.repoTags[0] } : {};
  const index = {
    schemaVersion: 2,
    manifests: [{ digest: manifestDigest, mediaType: 'application/vnd.oci.image.manifest.v1+json', annotations }],
  };
  return [
    { name: 'oci-layout', data: '{"imageLayoutVersion":"1.0.0"}' },
    { name: 'blobs', type: 'directory' },
    { name: 'blobs/sha256', type: 'directory' },
    ...[...blobs].map(([d, b]) => ({ name: `blobs/sha256/${d.slice(7)}`, data: b })),
    { name: 'index.json', data: JSON.stringify(index) },
  ];
}

/** A layer holding a /meta folder with install and uninstall. */
export function metaLayer(extra: Member[] = []): Promise<Buffer> {
  return tarOf([
    { name: 'meta/', type: 'directory' },
    { name: 'meta/install', data: '#!/bin/sh\necho installing\n', mode: 0o755 },
    { name: 'meta/uninstall', data: '#!/bin/sh\necho removing\n', mode: 0o755 },
    ...extra,
  ]);
}

/**
 * The members of a Podman docker-archive: each layer as `<diff id>.tar` first, then `<id>/layer.tar` as a
 * symbolic link to it, the config, and manifest.json last, naming the links.
 */
export function podmanMembers(image: ImageFixture): Member[] {
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: image.labels ?? {} },
      rootfs: { type: 'layers', diff_ids: image.layers.map(sha256) },
    }),
  );
  const configName = `${sha256(config).slice(7)}.json`;
  const diffs = image.layers.map((l) => sha256(l).slice(7));
  const ids = image.layers.map((l, i) => sha256(Buffer.concat([l, Buffer.from(`id${i}`)])).slice(7));
  return [
    ...image.layers.map((layer, i) => ({ name: `${diffs[i]}.tar`, data: layer })),
    ...ids.flatMap((id, i) => [
      { name: id, type: 'directory' as const },
      { name: `${id}/layer.tar`, type: 'symlink' as const, linkname: `../${diffs[i]}.tar` },
      { name: `${id}/VERSION`, data: '1.0' },
    ]),
    { name: configName, data: config },
    {
      name: 'manifest.json',
      data: JSON.stringify([
        { Config: configName, RepoTags: image.repoTags ?? null, Layers: ids.map((id) => `${id}/layer.tar`) },
      ]),
    },
    { name: 'repositories', data: '{}' },
  ];
}
