// DockerEngine: the Engine port over the Docker Engine API, spoken directly over node:http (see
// docs/decisions/0001-thin-engine-client.md). Each capability lives in its own module; this class wires them.
import type { Readable } from 'node:stream';
import { DamError } from '../../core/errors.js';
import type {
  BuildOptions,
  ContainerSummary,
  Engine,
  EngineInfo,
  ImageInfo,
  ImageSummary,
  RegistryAuth,
  StreamOptions,
} from '../../core/ports/engine.js';
import type { EngineAddress } from './address.js';
import { resolveEngine } from './docker-context.js';
import { object, optString } from './check.js';
import { EngineHttp } from './http.js';
import * as containers from './containers.js';
import * as images from './images.js';
import * as streams from './streams.js';

export class DockerEngine implements Engine {
  private readonly http: EngineHttp;
  /** The engine's answer, asked once per process: a command asks for its platform and for its data root. */
  private infoAnswer: Promise<EngineInfo> | undefined;

  constructor(address: EngineAddress) {
    this.http = new EngineHttp(address);
  }

  get address(): string {
    return this.http.address.display;
  }

  info(): Promise<EngineInfo> {
    this.infoAnswer ??= this.askInfo();
    // A failure is not kept: the next call asks again.
    this.infoAnswer.catch(() => (this.infoAnswer = undefined));
    return this.infoAnswer;
  }

  private async askInfo(): Promise<EngineInfo> {
    const apiVersion = await this.http.apiVersion();
    const [versionAnswer, infoAnswer] = await Promise.all([
      this.http.json({ method: 'GET', path: '/version', subject: 'the engine version' }),
      this.http.json({ method: 'GET', path: '/info', subject: 'the engine information' }),
    ]);
    const version = object(versionAnswer, 'GET /version');
    const info = object(infoAnswer, 'GET /info');
    return {
      version: optString(version, 'Version', 'GET /version', 'unknown'),
      apiVersion,
      storageDriver: optString(info, 'Driver', 'GET /info', 'unknown'),
      rootDir: optString(info, 'DockerRootDir', 'GET /info', 'unknown'),
      os: optString(version, 'Os', 'GET /version', optString(info, 'OSType', 'GET /info', 'unknown')),
      architecture: optString(version, 'Arch', 'GET /version', optString(info, 'Architecture', 'GET /info', 'unknown')),
    };
  }

  inspectImage(ref: string): Promise<ImageInfo | undefined> {
    return images.inspectImage(this.http, ref);
  }

  listImages(options: { labels?: string[] } = {}): Promise<ImageSummary[]> {
    return images.listImages(this.http, options.labels);
  }

  tagImage(source: string, ref: string): Promise<void> {
    return images.tagImage(this.http, source, ref);
  }

  removeImage(ref: string, options?: { force?: boolean; noPrune?: boolean }): Promise<void> {
    return images.removeImage(this.http, ref, options);
  }

  build(context: Readable, options: BuildOptions): Promise<string> {
    return streams.build(this.http, context, options);
  }

  pull(ref: string, options?: StreamOptions & { auth?: RegistryAuth; platform?: string }): Promise<void> {
    return streams.pull(this.http, ref, options);
  }

  push(ref: string, options?: StreamOptions & { auth?: RegistryAuth }): Promise<void> {
    return streams.push(this.http, ref, options);
  }

  save(refs: string[], options?: { signal?: AbortSignal }): Promise<Readable> {
    return streams.save(this.http, refs, options);
  }

  load(tar: Readable, options?: StreamOptions): Promise<string[]> {
    return streams.load(this.http, tar, options);
  }

  createContainer(options: containers.CreateContainerOptions): Promise<string> {
    return containers.createContainer(this.http, options);
  }

  copyFromContainer(id: string, path: string): Promise<Readable> {
    return containers.copyFromContainer(this.http, id, path);
  }

  removeContainer(id: string): Promise<void> {
    return containers.removeContainer(this.http, id);
  }

  listContainers(options?: { all?: boolean; labels?: string[] }): Promise<ContainerSummary[]> {
    return containers.listContainers(this.http, options);
  }

  /** Closes idle keep-alive connections (they never keep the process alive). */
  close(): void {
    this.http.close();
  }
}

/** The engine DOCKER_HOST names (unix:// or tcp://), else the current Docker context's, or /var/run/docker.sock. */
export function createDockerEngine(env: NodeJS.ProcessEnv): Engine {
  if (env.DOCKER_TLS_VERIFY !== undefined && env.DOCKER_TLS_VERIFY !== '' && env.DOCKER_TLS_VERIFY !== '0') {
    throw new DamError(
      'USAGE',
      `DOCKER_TLS_VERIFY is set, but DAM does not speak TLS to the engine at ${env.DOCKER_HOST ?? 'its default address'}.`,
      "Use the engine's unix socket, or an SSH tunnel to it, and unset DOCKER_TLS_VERIFY.",
    );
  }
  return new DockerEngine(resolveEngine(env).address);
}
