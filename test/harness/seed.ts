// Fills a test registry with many repositories and tags cheaply, over the registry's HTTP API and without
// the engine: one small config blob and one tiny (real, gzipped, empty) layer are uploaded once, mounted
// into every other repository, and a schema 2 manifest is PUT under each tag.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { Agent, request } from 'undici';
import type { TestRegistry } from './registries.js';

export interface SeedOptions {
  /** Repository names, e.g. `damtest-app-0001` or `team/web`. */
  names: string[];
  tags: string[];
  /** Labels put in the image config (`dam info` reads them). */
  labels?: Record<string, string>;
  concurrency?: number;
}

export interface SeedImage {
  manifestDigest: string;
  configDigest: string;
  layerDigest: string;
}

const digestOf = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export function seedImage(labels: Record<string, string> = {}): {
  config: Buffer;
  layer: Buffer;
  manifest: Buffer;
  digests: SeedImage;
} {
  const tar = Buffer.alloc(1024);
  const layer = gzipSync(tar);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created: '2026-01-01T00:00:00Z',
      config: { Labels: { 'dam.test': 'seed', ...labels }, Env: ['PATH=/bin'] },
      rootfs: { type: 'layers', diff_ids: [digestOf(tar)] },
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: {
        mediaType: 'application/vnd.docker.container.image.v1+json',
        size: config.length,
        digest: digestOf(config),
      },
      layers: [
        { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: layer.length, digest: digestOf(layer) },
      ],
    }),
  );
  return {
    config,
    layer,
    manifest,
    digests: { manifestDigest: digestOf(manifest), configDigest: digestOf(config), layerDigest: digestOf(layer) },
  };
}

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

/** Pushes the seed image to every name under every tag. Returns the digests, identical for all. */
export async function seedRegistry(registry: TestRegistry, options: SeedOptions): Promise<SeedImage> {
  const dispatcher = new Agent({ connect: registry.caFile ? { ca: await readFile(registry.caFile, 'utf8') } : {} });
  const { config, layer, manifest, digests } = seedImage(options.labels);
  const call = async (
    method: 'POST' | 'PUT',
    path: string,
    names: string[],
    body?: Buffer,
    contentType?: string,
  ): Promise<{ status: number; location?: string }> => {
    const authorization = await registry.authorizationFor(names);
    const headers: Record<string, string> = {};
    if (authorization) headers.authorization = authorization;
    if (contentType) headers['content-type'] = contentType;
    const res = await request(new URL(path, registry.url), { method, headers, body, dispatcher });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`seed: ${method} ${path} -> ${res.statusCode} ${text.slice(0, 300)}`);
    const location = res.headers.location;
    return { status: res.statusCode, location: typeof location === 'string' ? location : undefined };
  };
  const upload = async (name: string, blob: Buffer, digest: string) => {
    const start = await call('POST', `/v2/${name}/blobs/uploads/`, [name]);
    const target = new URL(start.location ?? '', registry.url);
    target.searchParams.set('digest', digest);
    await call('PUT', target.pathname + target.search, [name], blob, 'application/octet-stream');
  };
  const [first, ...rest] = options.names;
  try {
    if (!first) return digests;
    await upload(first, config, digests.configDigest);
    await upload(first, layer, digests.layerDigest);
    const putManifests = async (name: string) => {
      for (const tag of options.tags)
        await call(
          'PUT',
          `/v2/${name}/manifests/${tag}`,
          [name],
          manifest,
          'application/vnd.docker.distribution.manifest.v2+json',
        );
    };
    await putManifests(first);
    await pool(rest, options.concurrency ?? 8, async (name) => {
      for (const digest of [digests.configDigest, digests.layerDigest]) {
        const mounted = await call('POST', `/v2/${name}/blobs/uploads/?mount=${digest}&from=${first}`, [name, first]);
        if (mounted.status !== 201) await upload(name, digest === digests.configDigest ? config : layer, digest);
      }
      await putManifests(name);
    });
    return digests;
  } finally {
    await dispatcher.close();
  }
}
