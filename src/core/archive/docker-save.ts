// The layout of a `docker save` archive, validated: the legacy `manifest.json` (`[{Config, RepoTags,
// Layers}]`, every Docker) and the OCI `index.json` + `blobs/sha256/...` written by Docker 25+. From the
// small JSON members this builds a plan: which members must exist and which digests they must have.
import { fieldReader } from '../json-fields.js';
import { DamError } from '../errors.js';
import { normalizeEntryName } from './tar-path.js';

export interface ManifestEntry {
  /** Normalised member path of the image config. */
  config: string;
  repoTags: string[];
  /** Normalised member paths of the layer tars, bottom first. */
  layers: string[];
}

export interface ImageConfig {
  /** `sha256:...`, bottom first. */
  diffIds: string[];
  labels: Record<string, string>;
  os?: string;
  architecture?: string;
}

export interface LayerPlan {
  path: string;
  /** The digest of the uncompressed layer tar, from the config. */
  diffId: string;
  /** For content-addressed blobs (`blobs/sha256/<hex>`), the digest of the member as stored. */
  blobDigest?: string;
}

export interface ImagePlan {
  configPath: string;
  /** `sha256:` + the digest of the config member: the image id the engine will give it. */
  imageId: string;
  repoTags: string[];
  labels: Record<string, string>;
  layers: LayerPlan[];
}

/** What the reader saw of one regular member. */
export interface ObservedMember {
  size: number;
  /** `sha256:...` of the bytes as stored. */
  digest: string;
  /** `sha256:...` of the gunzipped bytes, when the member is gzip-compressed. */
  uncompressedDigest?: string;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const BLOB_PATH = /^blobs\/sha256\/([0-9a-f]{64})$/;

function invalid(source: string, what: string): DamError {
  return new DamError(
    'ARCHIVE_INVALID',
    `The archive '${source}' is not a valid docker-save archive: ${what}.`,
    'Create it again with `dam save` or `docker save`; the file may be damaged or incomplete.',
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function memberPath(source: string, field: string, value: unknown): string {
  if (typeof value !== 'string') throw invalid(source, `${field} is not a string`);
  const p = normalizeEntryName(value);
  if (p.kind !== 'path')
    throw invalid(source, `${field} '${value}' ${p.kind === 'invalid' ? p.reason : 'names the root folder'}`);
  return p.path;
}

/** A list of strings, through the one field reader (json-fields.ts); absent or null is empty. */
function stringList(source: string, field: string, value: unknown): string[] {
  if (value === null || value === undefined) return [];
  return fieldReader((path, problem) => {
    throw invalid(source, `${path} ${problem}`);
  }).stringList(value, field);
}

/** `manifest.json`: a non-empty list of `{Config, RepoTags, Layers}`. */
export function parseLegacyManifest(json: unknown, source: string): ManifestEntry[] {
  if (!Array.isArray(json) || json.length === 0) throw invalid(source, 'manifest.json is not a non-empty list');
  return json.map((item, i) => {
    const at = `manifest.json entry ${i}`;
    if (!isRecord(item)) throw invalid(source, `${at} is not an object`);
    const layers = item.Layers;
    if (!Array.isArray(layers)) throw invalid(source, `${at} has no Layers list`);
    return {
      config: memberPath(source, `${at} Config`, item.Config),
      repoTags: stringList(source, `${at} RepoTags`, item.RepoTags),
      layers: layers.map((l, j) => memberPath(source, `${at} layer ${j}`, l)),
    };
  });
}

function descriptor(
  source: string,
  where: string,
  value: unknown,
): { digest: string; mediaType: string; annotations: Record<string, unknown> } {
  if (!isRecord(value) || typeof value.digest !== 'string' || !DIGEST.test(value.digest))
    throw invalid(source, `${where} has no valid sha256 digest`);
  return {
    digest: value.digest,
    mediaType: typeof value.mediaType === 'string' ? value.mediaType : '',
    annotations: isRecord(value.annotations) ? value.annotations : {},
  };
}

export function blobPath(digest: string): string {
  return `blobs/sha256/${digest.slice('sha256:'.length)}`;
}

/** The digest a content-addressed member must have, from its path; undefined for other members. */
export function digestFromBlobPath(path: string): string | undefined {
  const m = BLOB_PATH.exec(path);
  return m ? `sha256:${m[1]}` : undefined;
}

const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

/**
 * The OCI layout without `manifest.json`: `index.json` lists image manifests (or nested indexes), each a
 * blob naming a config and layer blobs. `readBlob` returns a parsed JSON blob, or undefined when absent.
 */
export function parseOciIndex(index: unknown, readBlob: (digest: string) => unknown, source: string): ManifestEntry[] {
  const entries: ManifestEntry[] = [];
  const visit = (json: unknown, where: string, depth: number, names: string[]): void => {
    if (depth > 4) throw invalid(source, `${where} nests indexes too deeply`);
    if (!isRecord(json) || !Array.isArray(json.manifests)) throw invalid(source, `${where} has no manifests list`);
    json.manifests.forEach((m, i) => {
      const d = descriptor(source, `${where} manifest ${i}`, m);
      const name = d.annotations['io.containerd.image.name'];
      const tags = typeof name === 'string' ? [...names, name] : names;
      const blob = readBlob(d.digest);
      if (blob === undefined) throw invalid(source, `blob ${d.digest} named by ${where} is missing`);
      if (INDEX_TYPES.has(d.mediaType) || (isRecord(blob) && Array.isArray(blob.manifests))) {
        visit(blob, `index ${d.digest}`, depth + 1, tags);
        return;
      }
      if (!isRecord(blob) || !Array.isArray(blob.layers))
        throw invalid(source, `manifest ${d.digest} has no layers list`);
      const config = descriptor(source, `manifest ${d.digest} config`, blob.config);
      entries.push({
        config: blobPath(config.digest),
        repoTags: tags,
        layers: blob.layers.map((l, j) => blobPath(descriptor(source, `manifest ${d.digest} layer ${j}`, l).digest)),
      });
    });
  };
  visit(index, 'index.json', 0, []);
  if (entries.length === 0) throw invalid(source, 'index.json lists no image');
  return entries;
}

/** An image config: `rootfs.diff_ids` and `config.Labels` are what DAM reads. */
export function parseImageConfig(json: unknown, source: string, path: string): ImageConfig {
  if (!isRecord(json)) throw invalid(source, `config ${path} is not a JSON object`);
  const rootfs = json.rootfs;
  if (!isRecord(rootfs) || !Array.isArray(rootfs.diff_ids))
    throw invalid(source, `config ${path} has no rootfs.diff_ids`);
  const diffIds = rootfs.diff_ids.map((d, i) => {
    if (typeof d !== 'string' || !DIGEST.test(d))
      throw invalid(source, `config ${path} diff_id ${i} is not a sha256 digest`);
    return d;
  });
  const labels: Record<string, string> = {};
  const inner = json.config;
  if (isRecord(inner) && isRecord(inner.Labels)) {
    for (const [k, v] of Object.entries(inner.Labels)) if (typeof v === 'string') labels[k] = v;
  }
  const config: ImageConfig = { diffIds, labels };
  if (typeof json.os === 'string') config.os = json.os;
  if (typeof json.architecture === 'string') config.architecture = json.architecture;
  return config;
}

/** Joins a manifest entry with its config; `configDigest` is the digest of the config member's bytes. */
export function planImage(entry: ManifestEntry, config: ImageConfig, configDigest: string, source: string): ImagePlan {
  if (entry.layers.length !== config.diffIds.length) {
    throw invalid(
      source,
      `manifest lists ${entry.layers.length} layers but config ${entry.config} has ${config.diffIds.length} diff_ids`,
    );
  }
  const named = /^(?:blobs\/sha256\/)?([0-9a-f]{64})(?:\.json)?$/.exec(entry.config);
  if (named && `sha256:${named[1]}` !== configDigest) {
    throw invalid(source, `config ${entry.config} has digest ${configDigest}, not the one in its name`);
  }
  return {
    configPath: entry.config,
    imageId: configDigest,
    repoTags: entry.repoTags,
    labels: config.labels,
    layers: entry.layers.map((path, i) => {
      const layer: LayerPlan = { path, diffId: config.diffIds[i]! };
      const blob = digestFromBlobPath(path);
      if (blob) layer.blobDigest = blob;
      return layer;
    }),
  };
}

/**
 * Checks the members an image plan needs against what was read. Returns the problems, each naming the
 * member and the digests, or an empty list.
 */
export function verifyImagePlan(plan: ImagePlan, observed: (path: string) => ObservedMember | undefined): string[] {
  const problems: string[] = [];
  plan.layers.forEach((layer, i) => {
    const seen = observed(layer.path);
    if (!seen) {
      problems.push(`layer ${i + 1} (${layer.path}) is missing`);
      return;
    }
    if (layer.blobDigest && seen.digest !== layer.blobDigest) {
      problems.push(`layer ${i + 1} (${layer.path}) has digest ${seen.digest}, expected ${layer.blobDigest}`);
      return;
    }
    const contentDigest = seen.uncompressedDigest ?? seen.digest;
    if (contentDigest !== layer.diffId) {
      problems.push(
        `layer ${i + 1} (${layer.path}) has content digest ${contentDigest}, but the config says ${layer.diffId}`,
      );
    }
  });
  return problems;
}

/** The legacy `manifest.json` every Docker's load reads: one `{Config, RepoTags, Layers}` per image. */
export function saveManifestJson(images: { config: string; tags: string[]; layers: string[] }[]): Buffer {
  return Buffer.from(
    JSON.stringify(images.map((img) => ({ Config: img.config, RepoTags: img.tags, Layers: img.layers }))),
  );
}
