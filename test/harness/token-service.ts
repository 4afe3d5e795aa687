// A small token service for a registry configured with `auth: token`, as the Distribution token spec
// describes it: GET /token?service=..&scope=.. with optional Basic credentials, answered with a JWT
// signed ES256 by a test key whose certificate chains to the registry's `rootcertbundle`.
// Known users get every action they ask for; anonymous callers get a token without access; a wrong
// password gets 401. It counts requests and records which Authorization headers arrived.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createPrivateKey, randomBytes, sign } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface Access {
  type: string;
  name: string;
  actions: string[];
}

export interface TokenService {
  url: string;
  /** Token requests received, by scope (`''` for none). */
  requests: { scope: string; user?: string }[];
  /** A token for `user` with `access`, as the service would issue it. */
  mint(user: string, access: Access[]): string;
  stop(): Promise<void>;
}

export interface TokenServiceOptions {
  service: string;
  issuer: string;
  signerCertPem: string;
  signerKeyPem: string;
  users: Record<string, string>;
  expiresIn?: number;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

function derOf(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

/** `repository:team/web:pull,push` → access entry; `registry:catalog:*` too. */
export function parseScope(scope: string): Access | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last <= first) return undefined;
  return {
    type: scope.slice(0, first),
    name: scope.slice(first + 1, last),
    actions: scope
      .slice(last + 1)
      .split(',')
      .filter(Boolean),
  };
}

export async function startTokenService(options: TokenServiceOptions): Promise<TokenService> {
  const key = createPrivateKey(options.signerKeyPem);
  const x5c = [derOf(options.signerCertPem)];
  const expiresIn = options.expiresIn ?? 300;
  const requests: TokenService['requests'] = [];

  const mint = (user: string, access: Access[]): string => {
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'ES256', x5c };
    const claims = {
      iss: options.issuer,
      sub: user,
      aud: options.service,
      exp: now + expiresIn,
      nbf: now - 10,
      iat: now,
      jti: randomBytes(8).toString('hex'),
      access,
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
    return `${input}.${b64url(signature)}`;
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname !== '/token') return reply(404, { details: 'not found' });
    let user: string | undefined;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Basic ')) {
      const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const name = decoded.slice(0, colon);
      if (colon < 0 || options.users[name] !== decoded.slice(colon + 1)) {
        requests.push({ scope: url.searchParams.getAll('scope').join(' '), user: name });
        return reply(401, { details: 'invalid user name or password' });
      }
      user = name;
    }
    const scopes = url.searchParams.getAll('scope');
    requests.push({ scope: scopes.join(' '), user });
    if (url.searchParams.get('service') !== options.service) return reply(400, { details: 'unknown service' });
    const access = user ? scopes.map(parseScope).filter((a): a is Access => a !== undefined) : [];
    const token = mint(user ?? '', access);
    reply(200, { token, access_token: token, expires_in: expiresIn, issued_at: new Date().toISOString() });
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    mint,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
