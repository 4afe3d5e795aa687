// Multi-platform DAM apps made by hand and pushed into a test registry over the Distribution API (nothing
// is pulled from the internet): per app, an amd64 and an arm64 image under one OCI index. Each image is a
// shared base layer (random bytes, the same for every app), a layer naming its platform, and a /meta layer
// whose scripts append to $DAMTEST_LOG. Labels are those `dam create` gives, plus the test label.
import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { TEST_LABEL } from './dam.js';

export interface Layer {
  tar: Buffer;
  gz: Buffer;
  diffId: string;
  digest: string;
}

export interface PushedImage {
  platform: string;
  manifestDigest: string;
  configDigest: string;
  layers: string[];
}

export interface PushedApp {
  name: string;
  version: string;
  /** `host/name:version`. */
  tag: string;
  indexDigest: string;
  images: PushedImage[];
}

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A gzipped layer of these entries: files, or folders with `type: 'directory'`. */
export async function makeLayer(
  files: Array<{ name: string; mode?: number; data?: Buffer | string; type?: 'directory' }>,
): Promise<Layer> {
  const p = pack();
  for (const f of files) {
    if (f.type === 'directory') p.entry({ name: f.name, type: 'directory', mode: f.mode ?? 0o755, mtime: new Date(0) });
    else p.entry({ name: f.name, mode: f.mode ?? 0o644, mtime: new Date(0) }, f.data ?? '');
  }
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p) chunks.push(c as Buffer);
  const tar = Buffer.concat(chunks);
  const gz = gzipSync(tar, { level: 1 });
  return { tar, gz, diffId: sha(tar), digest: sha(gz) };
}

/** A base layer of `bytes` random bytes, to share between apps. */
export function baseLayer(bytes: number): Promise<Layer> {
  return makeLayer([{ name: 'base/blob.bin', data: randomBytes(bytes) }]);
}

const logLine = (script: string) =>
  `echo "${script} $DAM_ACTION $DAM_APP_NAME $DAM_APP_VERSION $(uname -m)" >> "$DAMTEST_LOG"`;

/** An OCI image manifest of `config` (its JSON text) and gzip'd `layers`, as the JSON text a registry takes. */
export function imageManifest(config: string, layers: Array<{ digest: string; size: number }>): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: sha(config),
      size: Buffer.byteLength(config),
    },
    layers: layers.map((l) => ({
      mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
      digest: l.digest,
      size: l.size,
    })),
  });
}

export async function push(url: string, path: string, digest: string, data: Buffer): Promise<void> {
  const head = await fetch(`${url}/v2/${path}/blobs/${digest}`, { method: 'HEAD' });
  if (head.status === 200) return;
  const start = await fetch(`${url}/v2/${path}/blobs/uploads/`, { method: 'POST' });
  const location = new URL(start.headers.get('location') ?? '', url);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    body: data,
    headers: { 'content-type': 'application/octet-stream' },
  });
  if (put.status !== 201) throw new Error(`blob upload of ${digest} failed: ${put.status} ${await put.text()}`);
}

export async function putManifest(
  url: string,
  path: string,
  ref: string,
  mediaType: string,
  body: string,
): Promise<void> {
  const res = await fetch(`${url}/v2/${path}/manifests/${ref}`, {
    method: 'PUT',
    body,
    headers: { 'content-type': mediaType },
  });
  if (res.status !== 201) throw new Error(`manifest put of ${path}:${ref} failed: ${res.status} ${await res.text()}`);
}

/** Pushes `name:version` for linux/amd64 and linux/arm64 under one OCI index into the plain registry at `url`. */
export async function pushMultiArchApp(
  url: string,
  host: string,
  name: string,
  version: string,
  base: Layer,
  extraBytes = 0,
): Promise<PushedApp> {
  const images: PushedImage[] = [];
  const entries: unknown[] = [];
  const meta = await makeLayer([
    { name: 'meta/install', mode: 0o755, data: `#!/bin/sh\nset -e\n${logLine('install')}\n` },
    { name: 'meta/uninstall', mode: 0o755, data: `#!/bin/sh\nset -e\n${logLine('uninstall')}\n` },
    { name: 'meta/DESCRIPTION', data: `Test app ${name} ${version}\n` },
  ]);
  for (const architecture of ['amd64', 'arm64']) {
    const own = await makeLayer([
      { name: `arch/${name}.bin`, data: Buffer.concat([Buffer.from(`${architecture}\n`), randomBytes(extraBytes)]) },
    ]);
    const layers = [base, own, meta];
    const config = JSON.stringify({
      architecture,
      os: 'linux',
      config: {
        Labels: { DAM_APP_FAMILY: name, DAM_APP_MULTIVERSION: 'false', DAM_APP_SERVERS: ',', [TEST_LABEL]: 'vendor' },
      },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    });
    for (const l of layers) await push(url, name, l.digest, l.gz);
    await push(url, name, sha(config), Buffer.from(config));
    const manifest = imageManifest(
      config,
      layers.map((l) => ({ digest: l.digest, size: l.gz.length })),
    );
    await putManifest(url, name, sha(manifest), 'application/vnd.oci.image.manifest.v1+json', manifest);
    entries.push({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: sha(manifest),
      size: Buffer.byteLength(manifest),
      platform: { os: 'linux', architecture },
    });
    images.push({
      platform: `linux/${architecture}`,
      manifestDigest: sha(manifest),
      configDigest: sha(config),
      layers: layers.map((l) => l.digest),
    });
  }
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: entries,
  });
  await putManifest(url, name, version, 'application/vnd.oci.image.index.v1+json', index);
  return { name, version, tag: `${host}/${name}:${version}`, indexDigest: sha(index), images };
}
