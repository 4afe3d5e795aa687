// One HTTP exchange with a registry or Docker Hub: per-request deadline, redirects followed by hand so that
// the Authorization header only ever goes to the origin it was meant for (never to another host, never
// from HTTPS to HTTP), and network failures turned into DamErrors that name the registry.
// Node's own http/https, not undici: a CLI run is short, and undici's WebAssembly parser cost about 100 ms
// per run (load, compile, and tier-up work waited for at exit) against a whole search of ~600 ms.
import { request as httpRequest, type Agent as HttpAgent, type ClientRequest } from 'node:http';
import { request as httpsRequest, type Agent as HttpsAgent } from 'node:https';
import type { Readable } from 'node:stream';
import { DamError, errnoCode } from '../../core/errors.js';
import { printable } from '../../core/validate.js';
import { proxyFor, type ProxySettings } from './proxy.js';
import { proxyAuthorization, proxyDisplay } from './tunnel.js';

/** Keep-alive connection pools for one TLS set-up. */
export interface Agents {
  http: HttpAgent;
  https: HttpsAgent;
  /** HTTPS through the HTTPS_PROXY's CONNECT tunnel, when a proxy is configured. */
  tunnel?: HttpsAgent;
}

export interface HttpRequest {
  url: URL;
  method?: 'GET' | 'HEAD' | 'POST' | 'PUT';
  headers?: Record<string, string>;
  /** A stream body (a blob upload) needs its content-length in `headers`; it is never sent twice. */
  body?: string | Readable;
  /** Sent only while the request stays on `authOrigin` (scheme, host and port). */
  authorization?: string;
  authOrigin?: string;
  /** Keep the deadline for the headers only, so a large blob may take longer than one timeout. */
  stream?: boolean;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names, as Node gives them (a repeated header joined with ', '). */
  headers: Record<string, string | string[] | undefined>;
  /** The URL that answered, after redirects. */
  url: URL;
  body: Readable;
  /** The body as text, at most `max` bytes (REGISTRY_ERROR beyond), under the request's deadline. */
  text(max?: number): Promise<string>;
  /** The raw body, with the same limits as `text`. */
  bytes(max?: number): Promise<Buffer>;
}

export interface TransportOptions {
  /** `registry 'corp' (host:port)`, the subject of every message. */
  label: string;
  agents: () => Promise<Agents>;
  timeoutMs: number;
  signal?: AbortSignal;
  /** HTTP_PROXY, HTTPS_PROXY and NO_PROXY, as read from the environment. */
  proxies?: ProxySettings;
}

const MAX_REDIRECTS = 5;
const DEFAULT_MAX_BODY = 32 * 1024 * 1024;
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS|ERR_SSL|EPROTO|HOSTNAME|ALTNAME/;

export function headerValue(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

function causeCode(err: unknown): string {
  let e: unknown = err;
  for (let i = 0; i < 4 && e; i++) {
    const code = errnoCode(e);
    if (code) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return errnoCode(err) ?? '';
}

/** Whether a failure happened before any HTTP answer: the case in which plain HTTP may be tried. */
export function isConnectFailure(err: unknown): boolean {
  return err instanceof DamError && connectFailures.has(err);
}

const connectFailures = new WeakSet<DamError>();

function connectFailure(message: string, hint: string): DamError {
  const err = new DamError('REGISTRY_ERROR', message, hint);
  connectFailures.add(err);
  return err;
}

export class Transport {
  readonly label: string;
  private readonly options: TransportOptions;

  /** Requests in flight, destroyed together when the run is interrupted (one listener, not one per request). */
  private readonly inFlight = new Set<ClientRequest>();
  private agents?: Agents;

  constructor(options: TransportOptions) {
    this.options = options;
    this.label = options.label;
    options.signal?.addEventListener(
      'abort',
      () => {
        for (const r of this.inFlight) r.destroy();
      },
      { once: true },
    );
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    this.agents ??= await this.options.agents();
    let url = req.url;
    for (let hop = 0; ; hop++) {
      const res = await this.once(req, url);
      // A request with a body (a login) is never replayed elsewhere: its body may hold a password.
      if (![301, 302, 303, 307, 308].includes(res.status) || req.body !== undefined) return res;
      res.body.resume();
      const location = headerValue(res, 'location');
      if (!location || hop >= MAX_REDIRECTS) {
        throw new DamError(
          'REGISTRY_ERROR',
          `The ${this.label} redirected ${url.pathname} ${location ? 'too many times' : 'without a Location'}.`,
          'The registry or a proxy in front of it is misconfigured.',
        );
      }
      url = new URL(location, url);
      if (url.protocol !== 'https:' && url.protocol !== 'http:')
        throw new DamError(
          'REGISTRY_ERROR',
          `The ${this.label} redirected to an unsupported URL scheme '${printable(url.protocol)}'.`,
        );
    }
  }

  // Plain callbacks rather than async iteration and an AbortController per request: a search makes
  // thousands of requests, and the per-request overhead showed in the benchmark.
  private once(req: HttpRequest, url: URL): Promise<HttpResponse> {
    const agents = this.agents as Agents;
    const headers: Record<string, string> = { 'user-agent': 'dam/2', ...req.headers };
    // Same origin means same scheme, host and port: a redirect to another host or from https to http loses it.
    if (req.authorization && req.authOrigin === url.origin) headers.authorization = req.authorization;
    if (typeof req.body === 'string') headers['content-length'] = String(Buffer.byteLength(req.body));
    return new Promise<HttpResponse>((resolve, reject) => {
      let timedOut = false;
      const options = { method: req.method ?? 'GET', headers };
      const via = this.options.proxies && proxyFor(this.options.proxies, url);
      let r: ClientRequest;
      if (url.protocol === 'https:')
        r = httpsRequest(url, { ...options, agent: (via && agents.tunnel) || agents.https });
      // A new connection each time: proxies such as tinyproxy close the client's connection after each
      // answer without saying so, and a reused socket would then fail with ECONNRESET.
      else if (via) r = httpRequest({ ...options, ...proxiedHttp(via.proxy, url, headers), agent: false });
      else r = httpRequest(url, { ...options, agent: agents.http });
      const timer = setTimeout(() => {
        timedOut = true;
        r.destroy();
      }, this.options.timeoutMs);
      // The socket keeps the process alive while the request runs; the deadline alone must not.
      timer.unref();
      this.inFlight.add(r);
      const done = () => {
        clearTimeout(timer);
        this.inFlight.delete(r);
      };
      if (this.options.signal?.aborted) r.destroy();
      r.once('error', (err) => {
        done();
        reject(this.failure(err, url, timedOut));
      });
      r.once('response', (res) => {
        // The deadline covers the body too, until it is read, drained or dropped; a stream gets an idle limit.
        if (req.stream) {
          done();
          r.setTimeout(this.options.timeoutMs, () => {
            timedOut = true;
            r.destroy();
          });
        } else res.once('close', done);
        const bytes = (max = DEFAULT_MAX_BODY) =>
          new Promise<Buffer>((ok, fail) => {
            // A body already drained (resume()) or dropped has nothing more to give.
            if (res.readableEnded || res.destroyed) return ok(Buffer.alloc(0));
            const chunks: Buffer[] = [];
            let size = 0;
            res.on('data', (chunk: Buffer) => {
              size += chunk.length;
              if (size <= max) return void chunks.push(chunk);
              res.destroy();
              fail(
                new DamError(
                  'REGISTRY_ERROR',
                  `The ${this.label} sent more than ${max} bytes for ${printable(url.pathname)}.`,
                ),
              );
            });
            res.once('end', () => ok(Buffer.concat(chunks, size)));
            res.once('error', (err) => fail(this.failure(err, url, timedOut)));
          });
        const text = async (max?: number): Promise<string> => (await bytes(max)).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, url, body: res, text, bytes });
      });
      if (req.body === undefined || typeof req.body === 'string') r.end(req.body);
      else {
        req.body.once('error', (err) => r.destroy(err));
        req.body.pipe(r);
      }
    });
  }

  private failure(err: unknown, url: URL, timedOut: boolean): unknown {
    if (err instanceof DamError) return err;
    const outer = this.options.signal;
    if (outer?.aborted)
      return outer.reason instanceof Error ? outer.reason : new DamError('INTERRUPTED', 'Interrupted.');
    const code = causeCode(err);
    const seconds = Math.round(this.options.timeoutMs / 100) / 10;
    if (timedOut) {
      return new DamError(
        'REGISTRY_ERROR',
        `The ${this.label} did not answer ${url.pathname} within ${seconds} s.`,
        'Check that the registry is up and reachable, or allow more time with --timeout SECONDS.',
      );
    }
    const via = this.options.proxies && proxyFor(this.options.proxies, url);
    const where = `${url.protocol}//${url.host}${via ? ` through the proxy ${proxyDisplay(via.proxy)} (from ${via.from})` : ''}`;
    if (TLS_CODES.test(code)) {
      return connectFailure(
        `TLS with the ${this.label} at ${where} failed (${code}).`,
        `If it uses a private CA, put the CA in /etc/docker/certs.d/${url.host}/ca.crt or give it with dam modifyrepo ID --ca-file FILE; for a plain-HTTP registry use --insecure.`,
      );
    }
    // Only network failures (which carry a code) are about the registry; anything else is a bug to surface.
    if (!code) return err;
    const hint = via
      ? `Check that the proxy runs and reaches the registry, or list ${url.hostname} in NO_PROXY.`
      : 'Check the server address (dam listrepos), the network and that the registry is running.';
    return connectFailure(`Cannot reach the ${this.label} at ${where} (${printable(code)}).`, hint);
  }
}

/** A plain-HTTP request through a proxy: sent to the proxy, with the absolute URI as its target. */
function proxiedHttp(
  proxy: URL,
  url: URL,
  headers: Record<string, string>,
): { host: string; port: number; path: string; headers: Record<string, string> } {
  const auth = proxyAuthorization(proxy);
  return {
    host: proxy.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(proxy.port || 80),
    path: url.href,
    headers: { ...headers, host: url.host, ...(auth ? { 'proxy-authorization': auth } : {}) },
  };
}
