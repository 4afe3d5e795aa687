// The container engine, as DAM uses it. Implemented by adapters/docker/DockerEngine over the Engine API.
// Engine JSON is validated in the adapter and converted to these types; no HTTP or library type leaks here.
import type { Readable } from 'node:stream';
import type { LayerScan } from '../archive/meta-listing.js';

export interface EngineInfo {
  /** Engine version, e.g. `20.10.24+dfsg1`. */
  version: string;
  /** The API version negotiated with the engine (the lower of the engine's and ours). */
  apiVersion: string;
  storageDriver: string;
  rootDir: string;
  os: string;
  architecture: string;
}

export interface ImageInfo {
  /** `sha256:<64 hex>`. */
  id: string;
  repoTags: string[];
  repoDigests: string[];
  labels: Record<string, string>;
  size: number;
  /** ISO 8601. */
  created: string;
  /** RootFS diff ids, `sha256:...`, bottom first. */
  layers: string[];
  os: string;
  architecture: string;
}

export interface ImageSummary {
  id: string;
  repoTags: string[];
  labels: Record<string, string>;
  size: number;
  created: string;
  /** Number of containers using the image, or -1 when the engine does not say. */
  containers: number;
}

export interface ContainerSummary {
  id: string;
  names: string[];
  image: string;
  imageId: string;
  labels: Record<string, string>;
  state: string;
}

/** One step of a long engine operation (build, pull, push, load), for progress display. */
export interface ProgressEvent {
  /** Layer or object id the event is about, if any. */
  id?: string;
  /** Human text: `Downloading`, a build step's output line, ... */
  status: string;
  current?: number;
  total?: number;
}

export type ProgressListener = (event: ProgressEvent) => void;

/** Credentials for one registry, sent to the engine for pull and push. Never logged. */
export interface RegistryAuth {
  serveraddress: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

export interface StreamOptions {
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

export interface BuildOptions extends StreamOptions {
  tag: string;
  labels?: Record<string, string>;
  buildArgs?: Record<string, string>;
  platform?: string;
  dockerfile?: string;
}

export interface Engine {
  /** Pings the engine and negotiates the API version. Throws ENGINE_UNREACHABLE with the address tried. */
  info(): Promise<EngineInfo>;
  /** Undefined when no image has this id or reference. */
  inspectImage(ref: string): Promise<ImageInfo | undefined>;
  /** `label` filters as in `docker images --filter label=...` (`KEY` or `KEY=VALUE`). */
  listImages(options?: { labels?: string[] }): Promise<ImageSummary[]>;
  /** Idempotent: tagging with an existing tag moves it. */
  tagImage(source: string, ref: string): Promise<void>;
  /** Removes a tag or, for an id, the image. NOT_FOUND when absent; CONFLICT when in use and not forced. */
  removeImage(ref: string, options?: { force?: boolean; noPrune?: boolean }): Promise<void>;
  /** Builds from a tar context stream. Throws ENGINE_ERROR with the failing step's message. Returns the image id. */
  build(context: Readable, options: BuildOptions): Promise<string>;
  pull(ref: string, options?: StreamOptions & { auth?: RegistryAuth; platform?: string }): Promise<void>;
  push(ref: string, options?: StreamOptions & { auth?: RegistryAuth }): Promise<void>;
  /** A `docker save` tar of these references or ids, streamed. */
  save(refs: string[], options?: { signal?: AbortSignal }): Promise<Readable>;
  /** Loads a `docker save` tar (plain or gzip) and returns what the engine reports as loaded (tags or ids). */
  load(tar: Readable, options?: StreamOptions): Promise<string[]>;
  /** Creates (never starts) a container. */
  createContainer(options: {
    image: string;
    labels?: Record<string, string>;
    name?: string;
    cmd?: string[];
  }): Promise<string>;
  /** A tar stream of `path` inside the container. NOT_FOUND when the path does not exist. */
  copyFromContainer(id: string, path: string): Promise<Readable>;
  /** Force-removes a container and its anonymous volumes. Idempotent. */
  removeContainer(id: string): Promise<void>;
  listContainers(options?: { all?: boolean; labels?: string[] }): Promise<ContainerSummary[]>;
}

/** Reads one tar stream (a `docker cp` of /meta, or an image layer) for what it holds of /meta, writing nothing. */
export type MetaScanner = (tar: Readable) => Promise<LayerScan>;
