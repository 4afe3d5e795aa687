// A local stand-in for hub.docker.com that replays recorded-shape responses from test/fixtures/hub: the
// internet is unreachable in the test environment. DAM is pointed at it with DAM_HUB_URL. It records every
// request (with its Authorization header) so tests can check what DAM sent.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { ROOT } from './dam.js';

export const HUB_FIXTURES = join(ROOT, 'test', 'fixtures', 'hub');
export const REPLAY_USER = 'damtest';
export const REPLAY_PASSWORD = 'hub-secret';
const REPLAY_TOKEN = 'replay-hub-token';

export interface HubRequest {
  method: string;
  url: string;
  authorization?: string;
}

export interface HubReplay {
  url: string;
  requests: HubRequest[];
  stop(): Promise<void>;
}

export async function startHubReplay(): Promise<HubReplay> {
  const requests: HubRequest[] = [];
  let base = '';
  const fixture = (name: string): string | undefined => {
    const path = join(HUB_FIXTURES, name);
    return existsSync(path) ? readFileSync(path, 'utf8').replaceAll('https://hub.docker.com', base) : undefined;
  };
  const send = (res: ServerResponse, status: number, body: string | undefined) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body ?? fixture('not-found.json'));
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', base);
    requests.push({
      method: req.method ?? '',
      url: url.pathname + url.search,
      authorization: req.headers.authorization,
    });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const page = url.searchParams.get('page') ?? '1';
    if (req.method === 'POST' && url.pathname === '/v2/users/login/') {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
        username?: string;
        password?: string;
      };
      const ok = body.username === REPLAY_USER && body.password === REPLAY_PASSWORD;
      return send(res, ok ? 200 : 401, fixture(ok ? 'login-ok.json' : 'login-denied.json'));
    }
    if (url.pathname === '/v2/search/repositories/') {
      const query = url.searchParams.get('query') ?? '';
      const body =
        fixture(`search-${query}-p${page}.json`) ?? (page === '1' ? fixture(`search-${query}.json`) : undefined);
      return send(res, 200, body ?? JSON.stringify({ count: 0, next: null, previous: null, results: [] }));
    }
    const tags = /^\/v2\/repositories\/([a-z0-9._-]+)\/([a-z0-9._-]+)\/tags\/?$/.exec(url.pathname);
    if (tags) {
      if (tags[1] === 'damtest' && req.headers.authorization !== `Bearer ${REPLAY_TOKEN}`)
        return send(res, 401, JSON.stringify({ detail: 'authentication required' }));
      return send(
        res,
        fixture(`tags-${tags[1]}-${tags[2]}-p${page}.json`) ? 200 : 404,
        fixture(`tags-${tags[1]}-${tags[2]}-p${page}.json`),
      );
    }
    send(res, 404, undefined);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, JSON.stringify({ detail: 'replay error' })));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
