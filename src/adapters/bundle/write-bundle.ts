// Writes a bundle for `dam export --all`: the index first, then each distinct layer exactly once, however
// many images share it, as an uncompressed tar inside the compressed bundle. The index needs every blob's
// size and sha256 before any layer is written, so the engine's save is read twice: once to measure
// (save-scan.ts), once to copy (see docs/decisions/0004-bundle-format.md for the measurement). The file is
// written as a new temporary sibling (O_EXCL, see store/atomic.ts), fsynced and renamed; it is removed on any error.
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { DamError } from '../../core/errors.js';
import type { Product } from '../../core/product.js';
import type { Engine } from '../../core/ports/engine.js';
import {
  BUNDLE_FORMAT,
  formatBundleIndex,
  INDEX_MEMBER,
  layerBlobName,
  type BundleIndex,
  type IndexImage,
} from '../../core/bundle/index-format.js';
import { planLayers } from '../../core/bundle/chain.js';
import { metaListing } from '../../core/bundle/meta-listing.js';
import type { Inventory } from '../../core/bundle/inventory.js';
import { normalizeEntryName } from '../../core/archive/tar-path.js';
import { checkCompressor, compressor, type Compression } from './compression.js';
import { scanSave, type SaveScan } from './save-scan.js';
import { walkTar } from './tar-walk.js';
import { writePackedFile } from './packed-file.js';

import type { ExportImage, WrittenBundle as Written } from '../../core/ports/bundle-write.js';

export type { ExportImage };

export interface WriteBundleOptions {
  out: string;
  compress: Compression;
  /** The target host's inventory: layers whose chain it holds are left out. */
  delta?: Inventory;
  signal?: AbortSignal;
  /** Bytes written to the file so far. */
  onProgress?: (bytes: number) => void;
}

export interface WrittenBundle extends Written {
  /** Time spent in the measuring pass, ms. */
  measureMs: number;
}

export async function writeBundle(
  engine: Engine,
  product: Product,
  images: ExportImage[],
  options: WriteBundleOptions,
): Promise<WrittenBundle> {
  await checkCompressor(options.compress);
  const byId = new Map<string, Set<string>>();
  for (const img of images) {
    const info = await engine.inspectImage(img.ref);
    if (!info)
      throw new DamError(
        'NOT_FOUND',
        `The image '${img.ref}' is not in the local Docker cache.`,
        'Install the app again, or remove it, before exporting.',
      );
    const tags = byId.get(info.id) ?? new Set<string>();
    for (const t of img.tags) tags.add(t);
    byId.set(info.id, tags);
  }
  if (byId.size === 0)
    throw new DamError(
      'USAGE',
      'Nothing to export: no image was given.',
      'Install apps first (dam install), then export.',
    );
  const ids = [...byId.keys()];
  const started = Date.now();
  const scan = await scanSave(engine, ids, options.signal);
  const measureMs = Date.now() - started;
  const index = buildIndex(
    product,
    ids.map((id) => ({ id, tags: [...byId.get(id)!] })),
    scan,
    options.delta,
  );
  const bytes = await writePackedFile(
    options.out,
    { compress: compressor(options.compress), onProgress: options.onProgress, signal: options.signal },
    async (pack) => {
      const data = formatBundleIndex(index);
      await new Promise<void>((resolve, reject) =>
        pack.entry({ name: INDEX_MEMBER, size: data.length, mode: 0o644, mtime: new Date(0) }, data, (err) =>
          err ? reject(err) : resolve(),
        ),
      );
      await copyLayers(engine, ids, scan, index, pack, options.signal);
    },
  );
  const layerBytes = index.blobs.reduce((sum, b) => sum + b.size, 0);
  return { path: options.out, bytes, compression: options.compress, index, layerBytes, measureMs };
}

export function buildIndex(
  product: Product,
  images: Array<{ id: string; tags: string[] }>,
  scan: SaveScan,
  delta?: Inventory,
): BundleIndex {
  const saved = images.map((img) => scan.images.get(img.id)!);
  const plan = planLayers(
    saved.map((s) => s.layers),
    new Set(delta?.chains ?? []),
  );
  const carried = new Set(plan.carried);
  const inStreamOrder = [...scan.layers.values()].filter((l) => carried.has(l.diffId));
  const indexImages: IndexImage[] = images.map((img, i) => ({
    imageId: img.id,
    tags: img.tags,
    config: saved[i]!.config,
    layers: saved[i]!.layers,
    meta: metaListing(saved[i]!.layers.map((d) => scan.layers.get(d)!.meta)),
  }));
  return {
    format: BUNDLE_FORMAT,
    product,
    images: indexImages,
    blobs: inStreamOrder.map((l) => ({
      name: layerBlobName(l.diffId),
      size: l.size,
      sha256: l.diffId.slice('sha256:'.length),
    })),
    omittedLayers: plan.omitted,
  };
}

/** The second pass: copies each carried layer once, checking it is the layer the first pass measured. */
async function copyLayers(
  engine: Engine,
  ids: string[],
  scan: SaveScan,
  index: BundleIndex,
  pack: tar.Pack,
  signal?: AbortSignal,
): Promise<void> {
  const wanted = new Map(index.blobs.map((b) => [`sha256:${b.sha256}`, b]));
  const written = new Set<string>();
  const saved = await engine.save(ids, signal ? { signal } : {});
  await walkTar(saved, { path: 'docker save', signal }, async (header, body) => {
    const n = normalizeEntryName(header.name);
    const diffId = n.kind === 'path' && header.type === 'file' ? scan.layerPaths.get(n.path) : undefined;
    const blob = diffId === undefined ? undefined : wanted.get(diffId);
    if (!blob || written.has(diffId!)) return void body.resume();
    if (header.size !== blob.size)
      throw changed(`layer ${diffId} is now ${header.size ?? 0} bytes, it was ${blob.size}`);
    const hash = createHash('sha256');
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    const entry = pack.entry({ name: blob.name, size: blob.size, mode: 0o644, mtime: new Date(0) });
    await pipeline(body, tap, entry as unknown as NodeJS.WritableStream);
    if (hash.digest('hex') !== blob.sha256) throw changed(`layer ${diffId} changed between the two reads`);
    written.add(diffId!);
  });
  const lacking = index.blobs.find((b) => !written.has(`sha256:${b.sha256}`));
  if (lacking) throw changed(`the second read lacks ${lacking.name}`);
}

function changed(what: string): DamError {
  return new DamError(
    'ENGINE_ERROR',
    `The engine's save of the images changed during the export: ${what}.`,
    'Do not remove or rebuild the images while exporting; run the export again.',
  );
}
