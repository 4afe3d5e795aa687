// The Engine API's long operations: build, pull, push, save and load. Request bodies and answers are
// streamed with backpressure (an image is never held in memory), progress is reported as it arrives, and
// an error inside an HTTP 200 message stream becomes a DamError.
import type { Readable } from 'node:stream';
import { DamError } from '../../core/errors.js';
import type { BuildOptions, RegistryAuth, StreamOptions } from '../../core/ports/engine.js';
import { EngineReplyError, pathPart, type EngineHttp, type EngineRequest } from './http.js';
import { consumeMessages } from './json-stream.js';
import { inspectImage, splitReference } from './images.js';

const TAR = { 'Content-Type': 'application/x-tar' };
/** How much of a failing build step's output an error carries. */
const STEP_OUTPUT_LINES = 40;

/** The X-Registry-Auth header: base64url JSON, padded, as the engine decodes it. An empty object without auth. */
export function registryAuthHeader(auth: RegistryAuth | undefined): string {
  return Buffer.from(JSON.stringify(auth ?? {}), 'utf8')
    .toString('base64')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Remembers the output of the current build step, so that a failure can show it. */
function stepRecorder(): { add(line: string): void; text(): string } {
  let step = '';
  let lines: string[] = [];
  return {
    add(line) {
      if (/^Step \d+\/\d+ :/.test(line)) {
        step = line;
        lines = [];
      } else if (!/^ ---> |^Removing intermediate container /.test(line)) {
        lines.push(line);
        if (lines.length > STEP_OUTPUT_LINES) lines.shift();
      }
    },
    text: () => [step, ...lines].filter((l) => l.trim() !== '').join('\n'),
  };
}

export async function build(http: EngineHttp, context: Readable, options: BuildOptions): Promise<string> {
  const what = `building image '${options.tag}'`;
  const step = stepRecorder();
  let id: string | undefined;
  try {
    const res = await http.stream({
      method: 'POST',
      path: '/build',
      query: {
        t: options.tag,
        rm: true,
        forcerm: true,
        labels: options.labels ? JSON.stringify(options.labels) : undefined,
        buildargs: options.buildArgs ? JSON.stringify(options.buildArgs) : undefined,
        platform: options.platform,
        dockerfile: options.dockerfile,
      },
      headers: TAR,
      body: context,
      signal: options.signal,
      subject: `the build of '${options.tag}'`,
    });
    await consumeMessages(res, {
      what,
      signal: options.signal,
      onProgress: options.onProgress,
      onLine: (line) => step.add(line),
      onAux: (aux) => {
        if (typeof aux.ID === 'string') id = aux.ID;
      },
    });
  } catch (err) {
    // 400 before any output: the engine refused the Dockerfile itself (a parse error, a missing file).
    if (!(err instanceof EngineReplyError) || err.code !== 'ENGINE_ERROR' || (err.status !== 200 && err.status !== 400))
      throw err;
    const output = step.text();
    const message = `${capitalize(what)} failed: ${err.engineMessage}${output === '' ? '' : `\n${output}`}`;
    throw new DamError(
      'ENGINE_ERROR',
      message,
      'Fix the failing step of the Dockerfile; the build output is shown above the error.',
      { cause: err },
    );
  }
  // Engines before API 1.30 do not send the id in an aux message.
  id ??= (await inspectImage(http, options.tag))?.id;
  if (id === undefined)
    throw new DamError('ENGINE_ERROR', `The engine built '${options.tag}' but did not say which image it made.`);
  return id;
}

/** Pull and push failures caused by the registry (credentials, reachability, a name it lacks) say so. */
function registryError(err: unknown, ref: string, action: 'pull' | 'push'): unknown {
  if (!(err instanceof EngineReplyError) || (err.code !== 'ENGINE_ERROR' && err.code !== 'NOT_FOUND')) return err;
  const said = err.engineMessage;
  const failed = `The ${action} of '${ref}' failed`;
  if (/unauthorized|authentication required|access denied|denied: |no basic auth credentials/i.test(said)) {
    return new DamError(
      'REGISTRY_AUTH',
      `${failed}: the registry refused the credentials: ${said}`,
      'Check the repository credentials (dam modifyrepo ... --username NAME --password-stdin).',
      { cause: err },
    );
  }
  if (
    /dial tcp|connection refused|no such host|i\/o timeout|server gave HTTP response to HTTPS client|x509|certificate|tls:/i.test(
      said,
    )
  ) {
    return new DamError(
      'REGISTRY_ERROR',
      `${failed}: the engine could not reach the registry: ${said}`,
      "Check that the registry runs and that the engine host can reach it; a plain-HTTP registry must be listed in the engine's insecure-registries (Podman: insecure = true for it in /etc/containers/registries.conf), a private CA in /etc/docker/certs.d/<host:port>/ca.crt (Podman: /etc/containers/certs.d/).",
      { cause: err },
    );
  }
  if (err.code === 'NOT_FOUND' || /manifest unknown|not found|does not exist/i.test(said)) {
    return new DamError(
      'NOT_FOUND',
      `${failed}: ${said}`,
      action === 'pull'
        ? 'Check the name and tag; dam search lists what a repository holds.'
        : 'Check that the image exists locally (docker images).',
      { cause: err },
    );
  }
  return new DamError('ENGINE_ERROR', `${failed}: ${said}`, err.hint, { cause: err });
}

type RegistryOptions = StreamOptions & { auth?: RegistryAuth };

/** A pull or push: one request to the engine, which talks to the registry and streams its progress. */
async function registryOperation(
  http: EngineHttp,
  ref: string,
  action: 'pull' | 'push',
  request: Pick<EngineRequest, 'path' | 'query'>,
  options: RegistryOptions,
): Promise<void> {
  try {
    const res = await http.stream({
      method: 'POST',
      ...request,
      headers: { 'X-Registry-Auth': registryAuthHeader(options.auth) },
      signal: options.signal,
      subject: `image '${ref}'`,
    });
    await consumeMessages(res, {
      what: `${action === 'pull' ? 'pulling' : 'pushing'} '${ref}'`,
      signal: options.signal,
      onProgress: options.onProgress,
    });
  } catch (err) {
    throw registryError(err, ref, action);
  }
}

export async function pull(
  http: EngineHttp,
  ref: string,
  options: RegistryOptions & { platform?: string } = {},
): Promise<void> {
  const { repo, tag, digest } = splitReference(ref);
  const query = { fromImage: repo, tag: digest ?? tag ?? 'latest', platform: options.platform };
  await registryOperation(http, ref, 'pull', { path: '/images/create', query }, options);
}

export async function push(http: EngineHttp, ref: string, options: RegistryOptions = {}): Promise<void> {
  const { repo, tag, digest } = splitReference(ref);
  if (digest !== undefined)
    throw new DamError(
      'INVALID_REFERENCE',
      `Cannot push '${ref}': push a tag, not a digest.`,
      'Give a reference of the form name:tag.',
    );
  await registryOperation(
    http,
    ref,
    'push',
    { path: `/images/${pathPart(repo)}/push`, query: { tag: tag ?? 'latest' } },
    options,
  );
}

/** The `docker save` tar of `refs`, streamed; the status is checked before the stream is handed over. */
export async function save(
  http: EngineHttp,
  refs: string[],
  options: { signal?: AbortSignal } = {},
): Promise<Readable> {
  if (refs.length === 0) throw new DamError('USAGE', 'Nothing to save: no image was named.');
  return http.stream({
    method: 'GET',
    path: '/images/get',
    query: { names: refs },
    signal: options.signal,
    subject: `images ${refs.map((r) => `'${r}'`).join(', ')}`,
  });
}

export async function load(http: EngineHttp, tar: Readable, options: StreamOptions = {}): Promise<string[]> {
  const res = await http.stream({
    method: 'POST',
    path: '/images/load',
    // The engine's progress bars are asked for only when someone shows them: making them costs the engine
    // CPU for every layer it reads, while DAM streams the upload on the same cores.
    query: { quiet: options.onProgress === undefined },
    headers: TAR,
    body: tar,
    signal: options.signal,
    subject: 'the image archive',
  });
  const loaded: string[] = [];
  await consumeMessages(res, {
    what: 'loading images',
    signal: options.signal,
    onProgress: options.onProgress,
    onLine: (line) => {
      const match = /^Loaded image(?: ID)?: (\S+)\s*$/.exec(line);
      if (match?.[1] !== undefined) loaded.push(match[1]);
    },
  });
  return loaded;
}
