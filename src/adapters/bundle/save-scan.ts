// The measuring pass of `dam export --all`: reads the engine's `docker save` of the images once, keeping
// only small things: each image's config bytes, and for each layer member its size, sha256 and /meta
// entries. The writer needs every blob's size and sha256 in the index, which comes first in the bundle.
import type { Readable } from 'node:stream';
import { DamError, isDamError } from '../../core/errors.js';
import { parseImageConfig, parseLegacyManifest, planImage, verifyImagePlan } from '../../core/archive/docker-save.js';
import type { LayerItem } from '../../core/archive/layer-merge.js';
import { normalizeEntryName, resolveSymlinkTarget } from '../../core/archive/tar-path.js';
import { META_ROOT } from '../../core/bundle/meta-listing.js';
import type { Engine } from '../../core/ports/engine.js';
import { followLinks, scanMember, type MemberRecord, type ScanBudget } from '../archive/member-scan.js';
import { walkTar } from './tar-walk.js';

export interface SavedLayer {
  diffId: string;
  size: number;
  meta: LayerItem[];
}

export interface SavedImage {
  imageId: string;
  config: string;
  /** Diff ids, bottom first. */
  layers: string[];
  /** Member paths of the layers in this save, bottom first. */
  paths: string[];
}

export interface SaveScan {
  images: Map<string, SavedImage>;
  /** By diff id, in the order the save stream holds them. */
  layers: Map<string, SavedLayer>;
  /** Member path of each regular layer member -> its diff id. */
  layerPaths: Map<string, string>;
}

function engineError(what: string): DamError {
  return new DamError(
    'ENGINE_ERROR',
    `The engine's save of the images is unusable: ${what}.`,
    'Check the engine (docker save) and try again.',
  );
}

export async function scanSave(engine: Engine, imageIds: string[], signal?: AbortSignal): Promise<SaveScan> {
  const members = new Map<string, MemberRecord>();
  const links = new Map<string, string>();
  const budget: ScanBudget = { jsonBytes: 32 * 1024 * 1024, metaBytes: 64 * 1024 * 1024 };
  const saved: Readable = await engine.save(imageIds, signal ? { signal } : {});
  await walkTar(saved, { path: 'docker save', signal }, async (header, body) => {
    const n = normalizeEntryName(header.name);
    if (n.kind !== 'path') return void body.resume();
    if (header.type === 'symlink') {
      body.resume();
      const target = resolveSymlinkTarget(n.path, header.linkname ?? '');
      if (target !== undefined) links.set(n.path, target);
      return;
    }
    if (header.type !== 'file') return void body.resume();
    // Docker writes `<id>/layer.tar`; Podman writes `<diff-id>.tar` at the top and links `<id>/layer.tar` to it.
    const layer = n.path.endsWith('.tar') || n.path.startsWith('blobs/');
    const json = n.path.endsWith('.json') || n.path.startsWith('blobs/');
    if (!layer && !json) return void body.resume();
    members.set(
      n.path,
      await scanMember(body, n.path, {
        maybeJson: json,
        ...(layer ? { metaRoot: META_ROOT } : {}),
        budget,
        source: 'docker save',
      }),
    );
  });
  const resolve = (path: string): MemberRecord | undefined => followLinks(members, links, path);
  const jsonOf = (path: string): unknown => {
    const r = resolve(path);
    if (!r?.json) throw engineError(`'${path}' is missing or not JSON`);
    try {
      return JSON.parse(r.json.toString('utf8'));
    } catch {
      throw engineError(`'${path}' is not valid JSON`);
    }
  };
  const scan: SaveScan = { images: new Map(), layers: new Map(), layerPaths: new Map() };
  for (const entry of parseLegacyManifest(jsonOf('manifest.json'), 'docker save')) {
    const configRecord = resolve(entry.config)!;
    const plan = planImage(
      entry,
      parseImageConfig(jsonOf(entry.config), 'docker save', entry.config),
      configRecord.digest,
      'docker save',
    );
    const problems = verifyImagePlan(plan, resolve);
    if (problems.length > 0) throw engineError(problems.join('; '));
    scan.images.set(plan.imageId, {
      imageId: plan.imageId,
      config: configRecord.json!.toString('utf8'),
      layers: plan.layers.map((l) => l.diffId),
      paths: plan.layers.map((l) => l.path),
    });
  }
  // Layers in stream order, each once; a member path maps to the diff id it holds.
  for (const [path, record] of members) {
    if (record.json || record.uncompressedDigest !== undefined) continue;
    const layerDiff = [...scan.images.values()].some((img) =>
      img.paths.some((p) => p === path || resolve(p) === record),
    );
    if (!layerDiff) continue;
    if (record.contentError) {
      if (isDamError(record.contentError)) throw record.contentError;
      throw engineError(`layer '${path}' is not a valid tar (${record.contentError.message})`);
    }
    scan.layerPaths.set(path, record.digest);
    if (!scan.layers.has(record.digest))
      scan.layers.set(record.digest, { diffId: record.digest, size: record.size, meta: record.meta ?? [] });
  }
  for (const id of imageIds) if (!scan.images.has(id)) throw engineError(`it does not hold image ${id}`);
  for (const img of scan.images.values())
    for (const d of img.layers)
      if (!scan.layers.has(d)) throw engineError(`layer ${d} of ${img.imageId} is not stored uncompressed`);
  return scan;
}
