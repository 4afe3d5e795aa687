// Registry authentication as the Distribution token spec describes it: the server answers 401 with a
// `WWW-Authenticate` challenge, either Basic or Bearer (realm, service, scope); a bearer token is asked of
// the realm with the user's credentials and cached per scope for the run.
import type { RegistryCredentials } from './docker-config.js';

export interface Challenge {
  scheme: 'basic' | 'bearer';
  params: Record<string, string>;
}

/** Parses the first Basic or Bearer challenge of a `WWW-Authenticate` header. */
export function parseChallenge(header: string | undefined): Challenge | undefined {
  if (!header) return undefined;
  const m = /^\s*(basic|bearer)\b(.*)$/is.exec(header);
  if (!m?.[1]) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (const p of (m[2] ?? '').matchAll(re)) {
    if (p[1]) params[p[1].toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
  }
  return { scheme: m[1].toLowerCase() as Challenge['scheme'], params };
}

export function basicAuthorization(c: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`, 'utf8').toString('base64')}`;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[?::1\]?)$/i;

/** 127.0.0.0/8, ::1 and localhost: where Docker, too, allows plain HTTP without being told. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}

/**
 * Whether credentials may be sent to a token realm: always over HTTPS; over plain HTTP only when the
 * registry itself is plain HTTP and the realm is on the same host or on loopback (a test or lab set-up).
 */
export function mayReceiveCredentials(realm: URL, registryOrigin: URL): boolean {
  if (realm.protocol === 'https:') return true;
  return (
    realm.protocol === 'http:' &&
    registryOrigin.protocol === 'http:' &&
    (realm.hostname === registryOrigin.hostname || isLoopbackHost(realm.hostname))
  );
}

export interface Token {
  value: string;
  expiresAt: number;
}

/** Tokens by scope for one registry; concurrent requests for the same scope share one token request. */
export class TokenCache {
  private readonly tokens = new Map<string, Promise<Token>>();

  async get(scope: string, fetch: () => Promise<Token>, now = Date.now()): Promise<string> {
    const cached = this.tokens.get(scope);
    if (cached) {
      const token = await cached.catch(() => undefined);
      if (token && token.expiresAt > now) return token.value;
    }
    const pending = fetch();
    this.tokens.set(scope, pending);
    pending.catch(() => this.tokens.delete(scope));
    return (await pending).value;
  }

  forget(scope: string): void {
    this.tokens.delete(scope);
  }
}
