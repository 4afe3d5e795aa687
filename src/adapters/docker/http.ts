// The transport to the Engine API: one keep-alive agent, the API version negotiated once per process from
// /_ping, and engine failures turned into DamErrors. Bodies and responses are streams, never buffered whole.
import { Agent, request as httpRequest, type IncomingMessage, type ClientRequest } from 'node:http';
import type { Readable } from 'node:stream';
import { DamError, errnoCode } from '../../core/errors.js';
import type { EngineAddress } from './address.js';

/** The newest API version this client is written against; the engine may offer less, never more is used. */
export const MAX_API_VERSION = '1.47';
/** What an engine that sends no API-Version header is assumed to speak. */
export const FALLBACK_API_VERSION = '1.24';

export interface EngineRequest {
  method: 'GET' | 'POST' | 'DELETE' | 'HEAD';
  /** Path without the version prefix, e.g. `/images/json`. */
  path: string;
  query?: Record<string, string | number | boolean | string[] | undefined>;
  headers?: Record<string, string>;
  /** A JSON value, or a stream sent as-is (with its Content-Type in `headers`). */
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** What the request is about, for error messages: `image 'web:1.0'`. */
  subject: string;
  /** Gives up (ENGINE_UNREACHABLE) when the socket is idle this long. Only for short calls: a build step may be silent for minutes. */
  timeoutMs?: number;
}

export function compareApiVersions(a: string, b: string): number {
  const [amaj = 0, amin = 0] = a.split('.').map(Number);
  const [bmaj = 0, bmin = 0] = b.split('.').map(Number);
  return amaj - bmaj || amin - bmin;
}

export function negotiateApiVersion(engineHeader: string | undefined): string {
  if (engineHeader === undefined || !/^\d+\.\d+$/.test(engineHeader)) return FALLBACK_API_VERSION;
  return compareApiVersions(engineHeader, MAX_API_VERSION) < 0 ? engineHeader : MAX_API_VERSION;
}

export function interrupted(): DamError {
  return new DamError('INTERRUPTED', 'Interrupted.');
}

function queryString(query: EngineRequest['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, v);
    else params.append(key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** Encodes each segment of a reference or id for use in a URL path, keeping `/` between them. */
export function pathPart(value: string): string {
  return value.split('/').map(encodeURIComponent).join('/');
}

/** An engine that accepts the connection but does not answer a ping within this time is taken as down. */
const PING_TIMEOUT_MS = 15_000;

const versions = new Map<string, Promise<string>>();

export class EngineHttp {
  readonly address: EngineAddress;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16 });

  constructor(address: EngineAddress) {
    this.address = address;
  }

  /** The negotiated API version, asked of the engine once per process and address. */
  apiVersion(): Promise<string> {
    let version = versions.get(this.address.display);
    if (version === undefined) {
      version = this.ping().then((res) => negotiateApiVersion(res.apiVersion));
      version.catch(() => versions.delete(this.address.display));
      versions.set(this.address.display, version);
    }
    return version;
  }

  /** GET /_ping, unversioned: the engine's API-Version header, if it sends one. */
  async ping(): Promise<{ apiVersion: string | undefined }> {
    const res = await this.send(
      { method: 'GET', path: '/_ping', subject: 'the engine', timeoutMs: PING_TIMEOUT_MS },
      '',
    );
    res.resume();
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      throw new DamError(
        'ENGINE_UNREACHABLE',
        `What answers at ${this.address.display} is not a working Docker engine (GET /_ping gave HTTP ${status}).`,
        'Point DOCKER_HOST at a Docker engine, or unset it to use /var/run/docker.sock.',
      );
    }
    const header = res.headers['api-version'];
    return { apiVersion: typeof header === 'string' ? header : undefined };
  }

  /** Sends a versioned request and returns the response once its status is a success; the body is unread. */
  async stream(req: EngineRequest): Promise<IncomingMessage> {
    const prefix = `/v${await this.apiVersion()}`;
    const res = await this.send(req, prefix);
    await this.check(res, req);
    return res;
  }

  /** Sends a request and parses the JSON answer (undefined for an empty body). */
  async json(req: EngineRequest): Promise<unknown> {
    const res = await this.stream(req);
    const text = await readText(res, req.signal);
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new DamError(
        'ENGINE_ERROR',
        `The engine sent invalid JSON for ${req.method} ${req.path}.`,
        'Check that DOCKER_HOST points at a Docker engine.',
      );
    }
  }

  /** Sends a request whose answer does not matter beyond its status. */
  async call(req: EngineRequest): Promise<void> {
    const res = await this.stream(req);
    await readText(res, req.signal);
  }

  private async check(res: IncomingMessage, req: EngineRequest): Promise<void> {
    const status = res.statusCode ?? 0;
    if (status >= 200 && status < 300) return;
    const text = await readText(res, req.signal).catch(() => '');
    throw statusError(status, engineMessage(text), req);
  }

  private send(req: EngineRequest, prefix: string): Promise<IncomingMessage> {
    const signal = req.signal;
    if (signal?.aborted) return Promise.reject(interrupted());
    const headers: Record<string, string> = { ...req.headers };
    const body = req.body;
    const isStream = typeof body === 'object' && body !== null && typeof (body as Readable).pipe === 'function';
    let payload: string | undefined;
    if (body !== undefined && !isStream) {
      payload = JSON.stringify(body);
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const target =
      this.address.kind === 'unix'
        ? { socketPath: this.address.socketPath }
        : { host: this.address.host, port: this.address.port };
    if (this.address.kind === 'unix') headers.Host = 'docker';
    return new Promise<IncomingMessage>((resolve, reject) => {
      const client: ClientRequest = httpRequest({
        ...target,
        agent: this.agent,
        method: req.method,
        path: `${prefix}${req.path}${queryString(req.query)}`,
        headers,
      });
      let response: IncomingMessage | undefined;
      let bodyError: unknown;
      const onAbort = () => {
        const err = interrupted();
        client.destroy(err);
        response?.destroy(err);
        if (isStream) (body as Readable).destroy();
        reject(err);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (req.timeoutMs !== undefined) {
        client.setTimeout(req.timeoutMs, () =>
          client.destroy(Object.assign(new Error(`no answer within ${req.timeoutMs} ms`), { code: 'ETIMEDOUT' })),
        );
      }
      const detach = () => signal?.removeEventListener('abort', onAbort);
      client.on('error', (err) => {
        detach();
        if (isStream) (body as Readable).destroy();
        reject(bodyError ?? connectionError(err, this.address, req));
      });
      client.on('response', (res) => {
        response = res;
        res.on('close', detach);
        // An engine that answers before reading the whole body (an error) must not keep receiving it.
        res.on('end', () => {
          if (isStream && !client.writableFinished) {
            (body as Readable).unpipe(client);
            (body as Readable).destroy();
            client.destroy();
          }
        });
        resolve(res);
      });
      if (isStream) {
        const source = body as Readable;
        source.on('error', (err) => {
          bodyError =
            err instanceof DamError
              ? err
              : new DamError(
                  'IO_ERROR',
                  `Reading the data sent to the engine for ${req.subject} failed: ${(err as Error).message}`,
                  undefined,
                  { cause: err },
                );
          client.destroy(bodyError as Error);
          response?.destroy(bodyError as Error);
        });
        source.pipe(client);
      } else {
        client.end(payload);
      }
    });
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.agent.destroy();
  }
}

export function engineMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      typeof (parsed as { message?: unknown }).message === 'string'
    ) {
      return (parsed as { message: string }).message;
    }
  } catch {
    // Not JSON: the engine's plain-text answer is the message.
  }
  return text.trim() || 'no message';
}

/** A failure the engine reported: its HTTP status (200 for an error inside a message stream) and its words. */
export class EngineReplyError extends DamError {
  readonly status: number;
  readonly engineMessage: string;

  constructor(
    code: ConstructorParameters<typeof DamError>[0],
    message: string,
    hint: string | undefined,
    reply: { status: number; engineMessage: string },
  ) {
    super(code, message, hint);
    this.status = reply.status;
    this.engineMessage = reply.engineMessage;
  }
}

function statusError(status: number, message: string, req: EngineRequest): DamError {
  const reply = { status, engineMessage: message };
  if (status === 404)
    return new EngineReplyError(
      'NOT_FOUND',
      `The engine has no ${req.subject}: ${message}`,
      'Check the name; `docker images` and `docker ps -a` list what the engine has.',
      reply,
    );
  if (status === 409)
    return new EngineReplyError(
      'CONFLICT',
      `The engine refused to change ${req.subject}: ${message}`,
      'Something else uses it; remove that first or use --force.',
      reply,
    );
  if (status === 400 && /invalid reference format/i.test(message)) {
    return new EngineReplyError(
      'INVALID_REFERENCE',
      `The engine refused ${req.subject}: ${message}`,
      'An image reference is [registry[:port]/]name[:tag] in lower case.',
      reply,
    );
  }
  return new EngineReplyError(
    'ENGINE_ERROR',
    `The engine failed on ${req.subject} (HTTP ${status}): ${message}`,
    'The engine log (journalctl -u docker) may say more.',
    reply,
  );
}

function connectionError(err: Error, address: EngineAddress, req: EngineRequest): DamError {
  const code = errnoCode(err);
  if (err instanceof DamError) return err;
  if (code === 'EACCES' || code === 'EPERM') {
    return new DamError(
      'ENGINE_UNREACHABLE',
      `Permission denied on the Docker engine socket ${address.display}.`,
      'Run as root or as a member of the docker group, or set DOCKER_HOST.',
      { cause: err },
    );
  }
  if (
    code === 'ENOENT' ||
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'EHOSTUNREACH' ||
    code === 'ETIMEDOUT' ||
    code === 'EAI_AGAIN'
  ) {
    return new DamError(
      'ENGINE_UNREACHABLE',
      `No Docker engine answers at ${address.display} (${code}).`,
      'Start it (systemctl start docker, or dockerd), or point DOCKER_HOST at a running engine.',
      { cause: err },
    );
  }
  return new DamError(
    'ENGINE_ERROR',
    `Talking to the engine at ${address.display} about ${req.subject} failed: ${err.message}`,
    undefined,
    { cause: err },
  );
}

/** Reads a whole (small) response as text. Only for JSON answers, never for image data. */
export async function readText(res: Readable, signal?: AbortSignal): Promise<string> {
  let text = '';
  res.setEncoding('utf8');
  try {
    for await (const chunk of res) text += chunk as string;
  } catch (err) {
    if (signal?.aborted) throw interrupted();
    throw err;
  }
  return text;
}
