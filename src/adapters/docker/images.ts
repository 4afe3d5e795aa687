// Image calls of the Engine API: inspect, list, tag, remove. Answers are checked and converted to port types.
import { DamError, isDamError } from '../../core/errors.js';
import type { ImageInfo, ImageSummary } from '../../core/ports/engine.js';
import { array, number, object, optObject, optString, string, stringMap, strings } from './check.js';
import { pathPart, type EngineHttp } from './http.js';

/**
 * Splits `name[:tag]` or `name@digest` into the engine's repo and tag parameters. The tag is after the last
 * `:` that follows the last `/`, so `127.0.0.1:5000/app:1.0` is `127.0.0.1:5000/app` and `1.0`.
 */
export function splitReference(ref: string): { repo: string; tag?: string; digest?: string } {
  const at = ref.indexOf('@');
  if (at >= 0) return { repo: ref.slice(0, at), digest: ref.slice(at + 1) };
  const colon = ref.lastIndexOf(':');
  if (colon > ref.lastIndexOf('/')) return { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { repo: ref };
}

/** `label` filters as the engine wants them: `{"label":["a=b"]}`, or nothing. */
export function labelFilters(labels: string[] | undefined): string | undefined {
  return labels && labels.length > 0 ? JSON.stringify({ label: labels }) : undefined;
}

const realTags = (tags: string[]) => tags.filter((t) => t !== '<none>:<none>');
const realDigests = (digests: string[]) => digests.filter((d) => d !== '<none>@<none>');

export function toImageInfo(value: unknown, where: string): ImageInfo {
  const o = object(value, where);
  const config = optObject(o, 'Config', where);
  const rootFs = optObject(o, 'RootFS', where);
  return {
    id: string(o, 'Id', where),
    repoTags: realTags(strings(o, 'RepoTags', where)),
    repoDigests: realDigests(strings(o, 'RepoDigests', where)),
    labels: stringMap(config, 'Labels', where),
    size: number(o, 'Size', where, 0),
    created: optString(o, 'Created', where),
    layers: strings(rootFs, 'Layers', where),
    os: optString(o, 'Os', where),
    architecture: optString(o, 'Architecture', where),
  };
}

export function toImageSummary(value: unknown, where: string): ImageSummary {
  const o = object(value, where, 'an image');
  const created = number(o, 'Created', where, 0);
  return {
    id: string(o, 'Id', where),
    repoTags: realTags(strings(o, 'RepoTags', where)),
    labels: stringMap(o, 'Labels', where),
    size: number(o, 'Size', where, 0),
    created: new Date(created * 1000).toISOString(),
    containers: number(o, 'Containers', where, -1),
  };
}

export async function inspectImage(http: EngineHttp, ref: string): Promise<ImageInfo | undefined> {
  const where = `GET /images/${ref}/json`;
  try {
    return toImageInfo(
      await http.json({ method: 'GET', path: `/images/${pathPart(ref)}/json`, subject: `image '${ref}'` }),
      where,
    );
  } catch (err) {
    if (isDamError(err, 'NOT_FOUND')) return undefined;
    throw err;
  }
}

export async function listImages(http: EngineHttp, labels?: string[]): Promise<ImageSummary[]> {
  const answer = await http.json({
    method: 'GET',
    path: '/images/json',
    query: { filters: labelFilters(labels) },
    subject: 'the image list',
  });
  return array(answer, 'GET /images/json').map((v) => toImageSummary(v, 'GET /images/json'));
}

export async function tagImage(http: EngineHttp, source: string, ref: string): Promise<void> {
  const { repo, tag, digest } = splitReference(ref);
  if (digest !== undefined)
    throw new DamError(
      'INVALID_REFERENCE',
      `Cannot tag an image as '${ref}': a digest is not a tag.`,
      'Give a reference of the form name:tag.',
    );
  await http.call({
    method: 'POST',
    path: `/images/${pathPart(source)}/tag`,
    query: { repo, tag: tag ?? 'latest' },
    subject: `image '${source}'`,
  });
}

export async function removeImage(
  http: EngineHttp,
  ref: string,
  options: { force?: boolean; noPrune?: boolean } = {},
): Promise<void> {
  await http.call({
    method: 'DELETE',
    path: `/images/${pathPart(ref)}`,
    query: { force: options.force === true, noprune: options.noPrune === true },
    subject: `image '${ref}'`,
  });
}
