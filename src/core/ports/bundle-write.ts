// The write side of bundles (`dam export`): bundles of the installed apps' images (format 1), of a product's
// images (format 2, an OCI layout), DAM 1.x export archives, and a bundle behind DAM's own executable.
// Implemented in src/adapters/bundle; the use cases are src/app/export.ts and src/app/export-from.ts.
import type { Readable } from 'node:stream';
import type { Engine } from './engine.js';
import type { Product } from '../product.js';
import type { Inventory } from '../bundle/inventory.js';
import type { BundleIndex } from '../bundle/index-format.js';
import type { Blob2, BundleIndex2, ResolvedImage2 } from '../bundle/index-format2.js';
import type { TargetPlatform } from '../target-platform.js';

export type Compression = 'gzip' | 'zstd' | 'none';
export const COMPRESSIONS: readonly Compression[] = ['gzip', 'zstd', 'none'];

/** What an existing export file is, recognised by its content. */
export type ExportKind = 'list' | 'product' | 'bundle' | 'dam1-export';

export interface ExportImage {
  /** Image id or tag of a local image. */
  ref: string;
  /** The tags the bundle gives it (the apps' tags). */
  tags: string[];
}

export interface WrittenBundle {
  path: string;
  bytes: number;
  compression: Compression;
  index: BundleIndex;
  /** Uncompressed bytes of the carried layers. */
  layerBytes: number;
}

export interface Dam1ExportApp {
  name: string;
  version: string;
  /** The tag written into the app's .dam, which `docker load` gives the image. */
  tag: string;
  /** Image id or tag of the local image. */
  image: string;
}

export interface WrittenDam1Export {
  path: string;
  bytes: number;
  dams: Array<{ tag: string; crc32: string; bytes: number; file: string }>;
}

/** Images staged from the engine for a format 2 bundle: each distinct layer compressed once, in a temporary folder. */
export interface StagedImages {
  images: ResolvedImage2[];
  /** Unpacked sizes of the staged layers, by blob digest. */
  unpacked: Map<string, number>;
  openLayer(blob: Blob2): Promise<Readable>;
  /** Removes the temporary folder. */
  cleanup(): Promise<void>;
}

export interface DamExecutable {
  path: string;
  /** The bytes of the executable itself. */
  length: number;
}

export interface BundleWriter {
  /** What the file at `path` is, when an export wrote it; undefined otherwise. */
  recognize(path: string): Promise<ExportKind | undefined>;
  /** A format 1 bundle of local images (each read from the engine twice: to measure, then to copy). */
  write(
    engine: Engine,
    product: Product,
    images: ExportImage[],
    options: { out: string; compress: Compression; delta?: Inventory; signal?: AbortSignal },
  ): Promise<WrittenBundle>;
  /** A DAM 1.x export archive: `app_list` and one `.dam` per app. */
  writeDam1(
    engine: Engine,
    product: Product,
    apps: Dam1ExportApp[],
    options: { out: string; signal?: AbortSignal; onApp?: (tag: string) => void },
  ): Promise<WrittenDam1Export>;
  /** Stages local images (ids with their tags) next to `out` for a format 2 bundle. */
  stage(
    engine: Engine,
    wanted: Array<{ id: string; tags: string[] }>,
    out: string,
    compress: Compression,
    signal?: AbortSignal,
  ): Promise<StagedImages>;
  /** Writes a format 2 bundle of `index`; its size in bytes. */
  writeFormat2(
    index: BundleIndex2,
    images: ResolvedImage2[],
    openLayer: (blob: Blob2) => Promise<Readable>,
    options: { out: string; signal?: AbortSignal | undefined; onProgress?: (bytes: number) => void },
  ): Promise<number>;
  /** DAM's executable for `target` (`damBinary` when given); NOT_FOUND when there is none. */
  findExecutable(options: {
    target: TargetPlatform;
    version: string;
    damBinary?: string;
    host: TargetPlatform | undefined;
  }): Promise<DamExecutable>;
  /** Writes `out` from the executable and the bundle at `bundle`, then removes `bundle` (also on failure); `out`'s size. */
  selfContained(exe: DamExecutable, bundle: string, out: string): Promise<number>;
}
