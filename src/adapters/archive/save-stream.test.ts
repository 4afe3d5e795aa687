import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import { scanImage, type ImageScan } from './scan-image.js';
import { SaveStream } from './save-stream.js';
import {
  legacyMembers,
  metaLayer,
  ociMembers,
  podmanMembers,
  sha256,
  tarOf,
  type Member,
} from './fixtures.test-helper.js';

/** Scans `members` forwarding into a SaveStream, finishes it, and reads back what the engine would get. */
async function rebuilt(members: Member[], compressed = false): Promise<{ scan: ImageScan; out: Map<string, Buffer> }> {
  const chunks: Buffer[] = [];
  const save = new SaveStream(async (c) => void chunks.push(c));
  const bytes = await tarOf(members);
  const scan = await scanImage(Readable.from([compressed ? gzipSync(bytes) : bytes]), {
    source: 'fixture',
    compressed,
    maxTarBytes: 1e9,
    meta: true,
    forward: save,
  });
  await save.finish([
    { config: scan.load!.config, imageId: scan.plan.imageId, tags: scan.plan.repoTags, layers: scan.load!.layers },
  ]);
  const out = new Map<string, Buffer>();
  const extract = tar.extract();
  extract.on('entry', (header, body, next) => {
    const parts: Buffer[] = [];
    body.on('data', (c: unknown) => void parts.push(c as Buffer));
    body.on('end', () => {
      out.set(header.name, Buffer.concat(parts));
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve).on('error', reject);
    extract.end(Buffer.concat(chunks));
  });
  return { scan, out };
}

function checkStream(out: Map<string, Buffer>, layers: Buffer[], tags: string[]): void {
  const [entry] = JSON.parse(out.get('manifest.json')!.toString()) as {
    Config: string;
    RepoTags: string[];
    Layers: string[];
  }[];
  assert.deepEqual(entry!.RepoTags, tags);
  assert.deepEqual(
    entry!.Layers.map((l) => sha256(out.get(l)!)),
    layers.map(sha256),
    'each layer forwarded byte for byte',
  );
  assert.equal(sha256(out.get(entry!.Config)!), `sha256:${entry!.Config.replace('.json', '')}`);
  for (const name of out.keys())
    assert.match(
      name,
      /^(layer-\d+\/layer\.tar|[0-9a-f]{64}\.json|manifest\.json)$/,
      `only DAM's own names reach the engine: ${name}`,
    );
}

test('Docker 20.10, Podman (layers as symlinks to earlier members) and OCI layouts rebuild into a docker-save stream', async () => {
  const layers = [await tarOf([{ name: 'etc/os', data: 'x' }]), await metaLayer()];
  const tags = ['web:1.0'];
  for (const members of [legacyMembers({ layers, repoTags: tags }), podmanMembers({ layers, repoTags: tags })]) {
    const { out, scan } = await rebuilt(members, true);
    checkStream(out, layers, tags);
    assert.equal(scan.layerMeta[1]!.length > 0, true, '/meta read from the forwarded layer');
  }
  const oci = await rebuilt(ociMembers({ layers, repoTags: tags }));
  const [entry] = JSON.parse(oci.out.get('manifest.json')!.toString()) as { Layers: string[] }[];
  assert.deepEqual(
    entry!.Layers.map((l) => sha256(oci.out.get(l)!)),
    layers.map((l) => sha256(gzipSync(l))),
    'OCI blobs forwarded as stored',
  );
});

test('an archive may tag its image only with its own app name and version', async () => {
  const layers = [await metaLayer()];
  await rebuilt(legacyMembers({ layers, repoTags: ['web:1.0', 'registry.example/web:1.0'] }));
  await assert.rejects(
    rebuilt(legacyMembers({ layers, repoTags: ['web:1.0', 'other:1.0'] })),
    /also tags it other:1\.0/,
  );
  await assert.rejects(rebuilt(legacyMembers({ layers, repoTags: ['web:1.0', 'web:2.0'] })), /another app or version/);
});

test('members under a symbolic link, and an OCI index with a legacy repositories file, are refused', async () => {
  const layers = [await metaLayer()];
  const legacy = legacyMembers({ layers, repoTags: ['web:1.0'] });
  await assert.rejects(
    rebuilt([{ name: 'up', type: 'symlink', linkname: '.' }, ...legacy, { name: 'up/x.json', data: '{}' }]),
    /lies inside 'up', which is a symbolic link/,
  );
  await assert.rejects(
    rebuilt([...legacy, { name: 'd/x', data: 'x' }, { name: 'd', type: 'symlink', linkname: '.' }]),
    /symbolic link over a folder/,
  );
  await assert.rejects(
    rebuilt([...ociMembers({ layers, repoTags: ['web:1.0'] }), { name: 'repositories', data: '{"evil":{"1":"x"}}' }]),
    /legacy repositories file but no manifest\.json/,
  );
});

test('a load abandoned before anyone reads it raises no unhandled error event', async () => {
  const { HeldBackStream } = await import('./held-back.js');
  const held = new HeldBackStream(16);
  const save = new SaveStream((chunk) => held.write(chunk));
  const layer = save.layer(4);
  await layer.write(Buffer.from('ab'));
  save.abort(new Error('refused'));
  held.abandon(new Error('refused'));
  await assert.rejects(layer.end());
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(held.readable.destroyed, true);
});
