// `dam push --bundle`: every image of a format 2 bundle into a registry, in one pass over the file. Each
// config and layer blob goes as it is stored: skipped when the repository already has it (HEAD), mounted
// from another repository of the same push when the registry allows, uploaded otherwise (the registry
// checks the digest, and so does the walk). Manifests and tags go last, from the bundle's checked index,
// only once every blob has passed: a damaged bundle leaves no tag and no manifest behind.
import type { Readable } from 'node:stream';
import { stat } from 'node:fs/promises';
import { DamError, errnoCode } from '../../core/errors.js';
import type { RegistryWriter } from '../../core/ports/registry.js';
import { ociMembers, type ResolvedImage2 } from '../../core/bundle/index-format2.js';
import { bundleInvalid } from './tar-walk.js';
import { readIndex2, walkBundle2 } from './oci-read.js';

import type { PushTarget, PushedBundle } from '../../core/ports/bundle.js';

export type { PushTarget, PushedBundle };

function drain(body: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    body.once('end', resolve);
    body.once('error', reject);
    body.resume();
  });
}

/**
 * Pushes the bundle at `path` (already opened, index digest `indexSha256`) through `writer`; `targetOf`
 * maps a bundle tag to the repository and tag it gets.
 */
export async function pushBundle(
  path: string,
  indexSha256: string,
  writer: RegistryWriter,
  targetOf: (tag: string) => PushTarget,
  signal?: AbortSignal,
): Promise<PushedBundle> {
  const result: PushedBundle = { uploaded: 0, uploadedBytes: 0, mounted: 0, skipped: 0, manifests: 0, tags: [] };
  const needs = new Map<string, Set<string>>();
  const present = new Map<string, string>();
  const opened = await walkBundle2(
    path,
    indexSha256,
    { signal },
    async (blob, body) => {
      const repos = needs.get(blob.digest);
      if (!repos) return drain(body);
      let streamed = false;
      for (const repo of repos) {
        if (await writer.hasBlob(repo, blob.digest)) {
          result.skipped++;
          present.set(blob.digest, repo);
          continue;
        }
        const from = present.get(blob.digest);
        if (from !== undefined && (await writer.mountBlob(repo, blob.digest, from))) {
          result.mounted++;
          continue;
        }
        if (streamed)
          throw bundleInvalid(
            path,
            `blob ${blob.digest} could not be mounted into ${repo}`,
            'The registry refuses cross-repository mounts; push again.',
          );
        await writer.pushBlob(repo, blob, body);
        streamed = true;
        present.set(blob.digest, repo);
        result.uploaded++;
        result.uploadedBytes += blob.size;
      }
      if (!streamed) await drain(body);
    },
    (first) => {
      // Before any blob: a delta cannot seed a registry, and every tag must map.
      if (first.index.omittedLayers.length > 0)
        throw new DamError(
          'USAGE',
          `The bundle '${path}' is a delta: it leaves out layers a registry would need.`,
          'Push a full bundle (exported without --delta).',
        );
      for (const img of first.images) {
        const repo = targetOf(img.tags[0]!).name;
        for (const d of [img.parsed.config, ...img.parsed.layers])
          needs.set(d.digest, (needs.get(d.digest) ?? new Set()).add(repo));
      }
    },
  );
  await putManifests(opened.images, writer, targetOf, result);
  return result;
}

async function putManifests(
  images: ResolvedImage2[],
  writer: RegistryWriter,
  targetOf: (tag: string) => PushTarget,
  result: PushedBundle,
): Promise<void> {
  const groups = new Map<string, ResolvedImage2[]>();
  for (const img of images) groups.set(img.tags.join('\n'), [...(groups.get(img.tags.join('\n')) ?? []), img]);
  for (const group of groups.values()) {
    const repo = targetOf(group[0]!.tags[0]!).name;
    for (const img of group) {
      await writer.putManifest(repo, img.manifestDigest, img.parsed.mediaType, Buffer.from(img.manifest, 'utf8'));
      result.manifests++;
    }
    const index = group.length > 1 ? ociMembers(group).platformIndexes[0] : undefined;
    for (const tag of group[0]!.tags) {
      const target = targetOf(tag);
      if (index) await writer.putManifest(target.name, target.tag, index.mediaType, Buffer.from(index.bytes, 'utf8'));
      else
        await writer.putManifest(
          target.name,
          target.tag,
          group[0]!.parsed.mediaType,
          Buffer.from(group[0]!.manifest, 'utf8'),
        );
      result.tags.push(`${target.name}:${target.tag}`);
    }
  }
}

/** The index of the format 2 bundle at `path` (undefined for another kind); NOT_FOUND or USAGE for no regular file. */
export async function openPushableBundle(
  path: string,
): Promise<{ images: unknown[]; indexSha256: string } | undefined> {
  const s = await stat(path).catch((err: unknown) => {
    if (errnoCode(err) === 'ENOENT')
      throw new DamError('NOT_FOUND', `The bundle '${path}' does not exist.`, 'Check the path.');
    throw err;
  });
  if (!s.isFile()) throw new DamError('USAGE', `'${path}' is not a regular file.`, 'Give the path of a bundle.');
  return readIndex2(path);
}
