// Remote registries, as DAM uses them. `Registry` is the Distribution API v2 (private registries and Docker
// Hub's registry-1.docker.io); `AppCatalog` is where `dam search` looks for app names and tags (a
// registry's catalog, or Docker Hub's search and tags API). Implemented in adapters/registry; registry
// JSON is validated there, and no HTTP or library type appears here.
import type { Readable } from 'node:stream';
import type { Repo } from '../state.js';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface BlobRef {
  mediaType: string;
  /** `sha256:<64 hex>`. */
  digest: string;
  size: number;
}

/** A single-platform image manifest (Docker schema 2 or OCI), after a manifest list or index was resolved. */
export interface ImageManifest {
  mediaType: string;
  /** Digest of the manifest bytes as served, `sha256:...`. */
  digest: string;
  config: BlobRef;
  layers: BlobRef[];
}

/** What `dam info` needs from an image's config blob. */
export interface RemoteImageConfig {
  /** Digest of the resolved single-platform manifest. */
  manifestDigest: string;
  configDigest: string;
  labels: Record<string, string>;
  os: string;
  architecture: string;
  /** ISO 8601, or '' when the image does not say. */
  created: string;
  env: string[];
  layers: BlobRef[];
}

export interface Registry {
  /** `registry 'name' (host)`, for messages. */
  readonly label: string;
  /**
   * Every repository name in the registry (`_catalog`), following `Link: rel="next"` pages of at most 1000.
   * Throws REGISTRY_AUTH (401/403), NOT_FOUND (no catalog), REGISTRY_ERROR (network, timeout, 429, 5xx,
   * a page loop or more pages than the cap). Read-only, so safe to retry.
   */
  catalog(): Promise<string[]>;
  /** The tags of one repository, paginated like `catalog`. NOT_FOUND when the repository does not exist. */
  tags(name: string): Promise<string[]>;
  /**
   * The manifest of `name:ref` (a tag or a digest). A manifest list or OCI index is resolved to the
   * requested platform (default: the engine's, else linux/amd64). Digest references are verified.
   */
  getManifest(name: string, ref: string, platform?: Platform): Promise<ImageManifest>;
  /** The image config (labels, platform, creation time) of `name:ref`, read from its config blob. */
  getImageConfig(name: string, ref: string, platform?: Platform): Promise<RemoteImageConfig>;
  /**
   * A blob's content as a stream; the stream fails with REGISTRY_ERROR at its end when the bytes do not
   * hash to `digest`. The caller must consume or destroy it.
   */
  openBlob(name: string, digest: string): Promise<Readable>;
  /** The manifest or index of `name:ref` as served, unresolved; a digest reference is verified. */
  rawManifest(name: string, ref: string): Promise<RawManifest>;
  /** The writing side of the same registry. */
  writer(): RegistryWriter;
}

/** A manifest or index exactly as the registry serves it. */
export interface RawManifest {
  /** `sha256:` of `bytes`. */
  digest: string;
  mediaType: string;
  bytes: Buffer;
}

/** Writing images into a registry, blob by blob (`dam push --bundle`). Each method is idempotent. */
export interface RegistryWriter {
  /** Whether the repository `name` already has the blob (HEAD). */
  hasBlob(name: string, digest: string): Promise<boolean>;
  /** Asks the registry to link the blob from repository `from`; false when it would not (then upload). */
  mountBlob(name: string, digest: string, from: string): Promise<boolean>;
  /** Uploads a blob in one request; the registry checks `blob.digest`. REGISTRY_ERROR/REGISTRY_AUTH on refusal. */
  pushBlob(name: string, blob: BlobRef, body: Readable): Promise<void>;
  /** Puts a manifest or index under a tag or its digest. */
  putManifest(name: string, ref: string, mediaType: string, bytes: Buffer): Promise<void>;
}

export interface AppCatalog {
  readonly label: string;
  /**
   * Candidate app names for a mask. A registry returns its whole catalog (the caller filters); Docker Hub
   * asks its search API for the mask's literal part, at most `limit` results. USAGE when the catalog
   * cannot search without a mask (Docker Hub).
   */
  findApps(mask: string | undefined, limit: number | undefined): Promise<string[]>;
  /** The tags of one app, in the server's order. NOT_FOUND when the app does not exist. */
  listTags(name: string): Promise<string[]>;
}

export interface RegistryAccess {
  repo: Repo;
  /** The stored password of the repo; without it, ~/.docker/config.json is consulted when a server asks. */
  password?: string;
  /** Per request; default 30 000. */
  timeoutMs?: number;
  /** Catalog and tag page size, 1..1000; default 1000. */
  pageSize?: number;
  /** Platform chosen from manifest lists. */
  platform?: Platform;
  /** Aborts every request of this client. */
  signal?: AbortSignal;
}

/** Creates clients; those made by one factory share connections and tokens. */
export interface Registries {
  registry(access: RegistryAccess): Registry;
  /** Docker Hub's search and tags API for repo id 1, the Distribution catalog for any other repo. */
  catalog(access: RegistryAccess): AppCatalog;
  /** Closes the pooled connections; the factory is unusable afterwards. */
  close(): Promise<void>;
}
