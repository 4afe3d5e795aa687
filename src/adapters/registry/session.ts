// A conversation with one registry: finds its base URL (HTTPS first; plain HTTP only when allowed),
// learns its authentication from `GET /v2/`, and sends each request with the right credentials, asking for
// a bearer token per scope when the registry wants one.
import type { Readable } from 'node:stream';
import { DamError } from '../../core/errors.js';
import { printable } from '../../core/validate.js';
import {
  TokenCache,
  basicAuthorization,
  mayReceiveCredentials,
  parseChallenge,
  type Challenge,
  type Token,
} from './auth.js';
import type { RegistryCredentials } from './docker-config.js';
import { statusError } from './status.js';
import { headerValue, isConnectFailure, type HttpResponse, type Transport } from './transport.js';

export interface SessionOptions {
  transport: Transport;
  /** `host[:port]`. */
  host: string;
  /** A fixed base such as `https://registry-1.docker.io` (Docker Hub, or a test hook), instead of probing. */
  baseUrl?: string;
  /** Plain HTTP may be tried when HTTPS cannot connect (insecure repos, loopback). */
  allowHttp: boolean;
  credentials: () => Promise<RegistryCredentials | undefined>;
  credentialsHint: string;
}

export interface GetOptions {
  /** Token scope, e.g. `repository:web:pull` or `registry:catalog:*`. */
  scope: string;
  /** What is asked, for messages: `the tags of 'web'`. */
  what: string;
  accept?: string;
  stream?: boolean;
}

export interface SendOptions extends GetOptions {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT';
  headers?: Record<string, string>;
  body?: string | Readable;
  /** Statuses the caller handles itself (a HEAD's 404) instead of getting them as errors. */
  accepted?: number[];
}

interface Base {
  origin: URL;
  challenge?: Challenge;
}

export class RegistrySession {
  private readonly o: SessionOptions;
  private base?: Promise<Base>;
  private creds?: Promise<RegistryCredentials | undefined>;
  private readonly tokens = new TokenCache();

  constructor(options: SessionOptions) {
    this.o = options;
  }

  get label(): string {
    return this.o.transport.label;
  }

  /** The registry's origin, e.g. `https://host:5000`, once known. */
  async origin(): Promise<URL> {
    return (await this.probe()).origin;
  }

  /** GETs `path` (relative to the registry's origin, or an absolute URL on it); throws on any non-2xx. */
  async get(path: string, options: GetOptions): Promise<HttpResponse> {
    return this.send(path, { ...options, method: 'GET' });
  }

  /** Any request; a stream body is sent once, so its scope's token should be fetched by an earlier request. */
  async send(path: string, options: SendOptions): Promise<HttpResponse> {
    const base = await this.probe();
    const url = new URL(path, base.origin);
    const headers = { ...options.headers, ...(options.accept ? { accept: options.accept } : {}) };
    const send = async (authorization: string | undefined) =>
      this.o.transport.send({
        url,
        method: options.method,
        headers,
        body: options.body,
        authorization,
        authOrigin: base.origin.origin,
        stream: options.stream,
      });
    let authorization = await this.authorization(base, options.scope, false);
    let res = await send(authorization);
    if (res.status === 401) {
      // The registry may ask for a scope we did not foresee, or an old token may have been revoked.
      const challenge = parseChallenge(headerValue(res, 'www-authenticate'));
      // Basic credentials already refused are not sent a second time.
      if (
        challenge &&
        !(challenge.scheme === 'basic' && authorization) &&
        (options.body === undefined || typeof options.body === 'string')
      ) {
        res.body.resume();
        base.challenge = challenge;
        const scope = challenge.params.scope ?? options.scope;
        this.tokens.forget(scope);
        authorization = await this.authorization(base, scope, true);
        res = await send(authorization);
      }
    }
    if ((res.status >= 200 && res.status < 300) || options.accepted?.includes(res.status)) return res;
    throw await statusError(res, {
      label: this.label,
      what: options.what,
      username: authorization ? (await this.credentials())?.username : undefined,
      credentialsHint: this.o.credentialsHint,
    });
  }

  private credentials(): Promise<RegistryCredentials | undefined> {
    return (this.creds ??= this.o.credentials());
  }

  private probe(): Promise<Base> {
    this.base ??= this.findBase();
    this.base.catch(() => (this.base = undefined));
    return this.base;
  }

  private async findBase(): Promise<Base> {
    const candidates = this.o.baseUrl
      ? [this.o.baseUrl]
      : this.o.allowHttp
        ? [`https://${this.o.host}`, `http://${this.o.host}`]
        : [`https://${this.o.host}`];
    let firstError: unknown;
    for (const candidate of candidates) {
      const origin = new URL(candidate);
      let res: HttpResponse;
      try {
        res = await this.o.transport.send({ url: new URL('/v2/', origin) });
      } catch (err) {
        firstError ??= err;
        if (isConnectFailure(err)) continue;
        throw err;
      }
      if (res.status === 200 || res.status === 401) {
        res.body.resume();
        return {
          origin,
          challenge: res.status === 401 ? parseChallenge(headerValue(res, 'www-authenticate')) : undefined,
        };
      }
      // An HTTPS server that refused our TLS answers plain HTTP with 400: its TLS error is the one to report.
      if (firstError && res.status === 400) throw firstError;
      if (res.status === 404) {
        res.body.resume();
        throw new DamError(
          'NOT_FOUND',
          `The ${this.label} does not serve the registry API at ${origin.origin}/v2/.`,
          'Check the server address (dam listrepos): it must point at a Docker registry (Distribution API v2).',
        );
      }
      throw await statusError(res, {
        label: this.label,
        what: 'the API root /v2/',
        credentialsHint: this.o.credentialsHint,
      });
    }
    throw firstError;
  }

  private async authorization(base: Base, scope: string, fresh: boolean): Promise<string | undefined> {
    const challenge = base.challenge;
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') {
      const creds = await this.credentials();
      return creds ? basicAuthorization(creds) : undefined;
    }
    if (fresh) this.tokens.forget(scope);
    const token = await this.tokens.get(scope, () => this.fetchToken(base, challenge, scope));
    return token ? `Bearer ${token}` : undefined;
  }

  private async fetchToken(base: Base, challenge: Challenge, scope: string): Promise<Token> {
    const realmText = challenge.params.realm ?? '';
    let realm: URL;
    try {
      realm = new URL(realmText);
    } catch {
      throw new DamError(
        'REGISTRY_AUTH',
        `The ${this.label} names an invalid token service '${printable(realmText)}'.`,
        "The registry's auth configuration is wrong; ask its administrator.",
      );
    }
    if (challenge.params.service) realm.searchParams.set('service', challenge.params.service);
    if (scope) realm.searchParams.set('scope', scope);
    const creds = await this.credentials();
    if (creds && !mayReceiveCredentials(realm, base.origin)) {
      throw new DamError(
        'REGISTRY_AUTH',
        `The ${this.label} sends logins to ${realm.origin}, which is not HTTPS; DAM does not send credentials there.`,
        'Configure the registry with an HTTPS token service.',
      );
    }
    const res = await this.o.transport.send({
      url: realm,
      authorization: creds ? basicAuthorization(creds) : undefined,
      authOrigin: realm.origin,
    });
    if (res.status !== 200) {
      throw await statusError(res, {
        label: `token service of the ${this.label}`,
        what: `a token for ${printable(scope)}`,
        username: creds?.username,
        credentialsHint: this.o.credentialsHint,
      });
    }
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(await res.text(1024 * 1024)) as typeof body;
    } catch {
      throw new DamError(
        'REGISTRY_AUTH',
        `The token service of the ${this.label} sent a response that is not JSON.`,
        "Check the registry's token service.",
      );
    }
    const value = typeof body.token === 'string' && body.token ? body.token : body.access_token;
    if (typeof value !== 'string' || !value)
      throw new DamError(
        'REGISTRY_AUTH',
        `The token service of the ${this.label} sent no token.`,
        "Check the registry's token service.",
      );
    const seconds = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
    return { value, expiresAt: Date.now() + Math.max(seconds - 5, 1) * 1000 };
  }
}
