// Bundles: one archive carrying a product and every image it needs, each distinct layer once
// (`dam export --all`), and DAM 1.x export archives (a tar of `app_list` and `.dam` files). Implemented in
// src/adapters/bundle. `dam import` reads one through this port.
import type { Product } from '../product.js';
import type { MetaEntry } from '../bundle/index-format.js';
import type { Platform, RegistryWriter } from './registry.js';

export interface BundleImage {
  /** The tags `docker load` gives the image (the apps' tags). */
  tags: string[];
  /** `sha256:` of the image config: the id the engine gives it. */
  imageId: string;
  labels: Record<string, string>;
  /** Layer diff ids, bottom first. */
  layers: string[];
  /**
   * The image's /meta as the index pins it (path relative to /meta -> mode, size, sha256), for a bundle;
   * absent for a DAM 1.x export. verify and load check it against the layers; compare it with the /meta
   * copied from the loaded image (core/bundle/meta-listing.ts metaDifferences) before running a script.
   */
  meta?: Record<string, MetaEntry>;
  /** The image's platform (format 2); a bundle may carry one image per platform under the same tags. */
  platform?: Platform;
  /** Compressed bytes of the image's layers as the bundle stores them (format 2). */
  storedBytes?: number;
}

export interface BundleContents {
  path: string;
  kind: 'bundle' | 'dam1-export';
  /** The bundle format: 1 (DAM's own tar) or 2 (an OCI image layout in a plain tar); absent for a 1.x export. */
  format?: 1 | 2;
  /** The outer compression, found from the content. A DAM 1.x export is always 'none'. */
  compression: 'gzip' | 'zstd' | 'none';
  /**
   * Hex sha256 of the index bytes as stored (a bundle only): what a signature covers. verify and load
   * refuse the file if its index no longer has this digest.
   */
  indexSha256?: string;
  product: Product;
  images: BundleImage[];
  /** Diff ids the bundle leaves out (a delta): they must already be in the engine. */
  omittedLayers: string[];
  /** Uncompressed bytes of the layers the bundle carries: what loading needs on the engine's disk, at most. */
  layerBytes: number;
  /**
   * A DAM 1.x export only: the hex sha256 and size of the whole file as opened (what a signature pins).
   * load refuses the file unless it reads the same bytes in the pass that loads it.
   */
  file?: { sha256: string; size: number };
}

export interface Bundles {
  /**
   * Recognises a bundle or a DAM 1.x export archive by its content (not its name) and reads its index;
   * undefined for anything else (an app list). ARCHIVE_INVALID for a damaged one. Cheap for a bundle (the
   * index comes first); a 1.x export is read through once.
   */
  open(path: string, signal?: AbortSignal): Promise<BundleContents | undefined>;
  /**
   * Reads the whole bundle once, streaming: every blob's size and sha256 against the index, every /meta
   * file against its hash, no member twice, no escaping names. ARCHIVE_INVALID naming the member otherwise.
   * Changes nothing.
   */
  verify(contents: BundleContents, signal?: AbortSignal): Promise<void>;
  /**
   * Streams the bundle's images into the engine's load, without unpacking it to disk: one load for a
   * bundle, one per `.dam` for a 1.x export. Checks each blob's size and sha256 again while streaming and
   * breaks the upload (so that the engine keeps nothing) on a mismatch. Does not check omitted layers:
   * call missingLayers first. ENGINE_ERROR when the engine then lacks an image of the index.
   */
  /**
   * With `stageMeta`, also writes each image's /meta (from the checked stream) to `stageMeta(imageId)` and
   * returns the ids of the images so staged, so that scripts need not be copied back out of the engine.
   */
  load(contents: BundleContents, signal?: AbortSignal, stageMeta?: (imageId: string) => string): Promise<string[]>;
}

/** Where `dam push --bundle` puts one image of a bundle: the repository name in the registry, and the tag. */
export interface PushTarget {
  name: string;
  tag: string;
}

export interface PushedBundle {
  uploaded: number;
  uploadedBytes: number;
  mounted: number;
  skipped: number;
  manifests: number;
  tags: string[];
}

/** A format 2 bundle pushed into a registry, blob by blob, as it is stored (`dam push --bundle`). */
export interface BundlePushing {
  /** The bundle's index (its images and digest); undefined for a file of another kind. NOT_FOUND when missing, USAGE for no regular file. */
  open(path: string): Promise<{ images: unknown[]; indexSha256: string } | undefined>;
  /** Pushes every blob, then the manifests and tags; `targetOf` maps a bundle tag to where it goes. */
  push(
    path: string,
    indexSha256: string,
    writer: RegistryWriter,
    targetOf: (tag: string) => PushTarget,
    signal?: AbortSignal,
  ): Promise<PushedBundle>;
}
