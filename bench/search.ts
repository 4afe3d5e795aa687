// `dam search` without a mask on a registry of 1000 apps x 3 tags, against baselines measured in the same
// run, interleaved:
//   1. loopback: a minimal client (a short Node script with plain http and keep-alive) fetching the same
//      catalog and tag lists 8 at a time. Target: dam <= 1.2x its time.
//   2. through a local TCP proxy that adds 20 ms to every request (a registry across a WAN): the same
//      minimal client making the requests one at a time. Target: dam >= 8x faster.
// Both sides are whole processes (Node start-up included). Run: node --import tsx bench/search.ts
import { spawn } from 'node:child_process';
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { dam, tempHome } from '../test/harness/dam.js';
import { startPlainRegistry } from '../test/harness/registries.js';
import { seedRegistry } from '../test/harness/seed.js';
import { median } from './lib.js';

const ROOT = resolve(import.meta.dirname, '..');
const DAM = join(ROOT, 'bin', 'dam');
const APPS = Number(process.env.BENCH_APPS ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const DELAY_MS = 20;

/** The baseline: catalog pages of 1000, then every tag list, `concurrency` at a time, on one keep-alive pool. */
const MINIMAL_CLIENT = `
const http = require('node:http');
const [base, concurrency] = [process.argv[1], Number(process.argv[2])];
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const get = (path) => new Promise((ok, fail) => http.get(base + path, { agent }, (res) => {
  let body = ''; res.setEncoding('utf8'); res.on('data', (d) => (body += d));
  res.on('end', () => res.statusCode === 200 ? ok({ body: JSON.parse(body), link: res.headers.link }) : fail(new Error(path + ' ' + res.statusCode)));
}).on('error', fail));
(async () => {
  const names = [];
  for (let path = '/v2/_catalog?n=1000'; path; ) {
    const page = await get(path);
    names.push(...page.body.repositories);
    path = page.link ? /<([^>]+)>/.exec(page.link)[1] : undefined;
  }
  let next = 0, tags = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < names.length) tags += (await get('/v2/' + names[next++] + '/tags/list')).body.tags.length;
  }));
  if (names.length === 0 || tags === 0) throw new Error('nothing fetched');
  agent.destroy();
})().catch((e) => { console.error(e); process.exit(1); });
`;

function timed(command: string, args: string[]): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code === 0) resolvePromise(ms);
      else reject(new Error(`${command} ${args.slice(0, 4).join(' ')} exited ${code}: ${stderr.slice(0, 500)}`));
    });
  });
}

/** A TCP proxy that holds every chunk from the client for `delayMs` before passing it on: +20 ms per request. */
async function startDelayProxy(
  target: { host: string; port: number },
  delayMs: number,
): Promise<{ port: number; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect({ port: target.port, host: target.host, noDelay: true });
    client.setNoDelay(true);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => (client.destroy(), upstream.destroy()));
      s.on('close', () => sockets.delete(s));
    }
    client.on('data', (chunk) => setTimeout(() => upstream.write(chunk), delayMs));
    client.on('end', () => setTimeout(() => upstream.end(), delayMs));
    upstream.pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const registry = await startPlainRegistry();
  const { home, cleanup } = await tempHome();
  let proxy: Awaited<ReturnType<typeof startDelayProxy>> | undefined;
  try {
    const names = Array.from({ length: APPS }, (_, i) => `dam-bench-app-${String(i).padStart(4, '0')}`);
    const seedStart = Date.now();
    await seedRegistry(registry, { names, tags: ['1.0', '1.1', 'latest'], concurrency: 8 });
    console.log(
      `seeded ${APPS} apps x 3 tags in ${fmt(Date.now() - seedStart)}; ${RUNS} interleaved runs each, medians`,
    );
    const [, port] = registry.host.split(':');
    proxy = await startDelayProxy({ host: '127.0.0.1', port: Number(port) }, DELAY_MS);
    for (const [name, server] of [
      ['lo', registry.host],
      ['wan', `127.0.0.1:${proxy.port}`],
    ]) {
      const out = await dam(['addrepo', '--name', name ?? '', '--server', server ?? '', '--insecure'], { home });
      if (out.code !== 0) throw new Error(out.stderr);
    }
    // BENCH_DAM_ARGS adds flags to dam search, e.g. `--concurrency 32` to try another setting.
    const extra = (process.env.BENCH_DAM_ARGS ?? '').split(' ').filter(Boolean);
    const search = (repo: string) =>
      timed(process.execPath, [DAM, '--home', home, 'search', '--repo', repo, '--json', ...extra]);
    const minimal = (base: string, concurrency: number) =>
      timed(process.execPath, ['-e', MINIMAL_CLIENT, base, String(concurrency)]);
    const check = await dam(['search', '--repo', 'lo', '--json'], { home });
    const found = JSON.parse(check.stdout) as { tags: string[] }[];
    if (found.length !== APPS || found.some((h) => h.tags.length !== 3))
      throw new Error(`dam search found ${found.length} apps`);

    const lo = { dam: [] as number[], base: [] as number[] };
    for (let i = 0; i < RUNS; i++) {
      lo.base.push(await minimal(registry.url, 8));
      lo.dam.push(await search('lo'));
    }
    const wan = { dam: [] as number[], base: [] as number[] };
    const wanRuns = Math.max(1, Math.min(RUNS, 2));
    for (let i = 0; i < wanRuns; i++) {
      wan.dam.push(await search('wan'));
      wan.base.push(await minimal(`http://127.0.0.1:${proxy.port}`, 1));
    }
    const loRatio = median(lo.dam) / median(lo.base);
    const wanRatio = median(wan.base) / median(wan.dam);
    console.log(
      `loopback: dam search ${fmt(median(lo.dam))}, minimal client 8 at a time ${fmt(median(lo.base))}: ratio ${loRatio.toFixed(2)}x (target <= 1.2x) ${loRatio <= 1.2 ? 'OK' : 'MISSED'}`,
    );
    console.log(
      `+${DELAY_MS} ms per request: dam search ${fmt(median(wan.dam))}, one request at a time ${fmt(median(wan.base))}: dam ${wanRatio.toFixed(1)}x faster (target >= 8x) ${wanRatio >= 8 ? 'OK' : 'MISSED'}`,
    );
  } finally {
    await proxy?.stop();
    await cleanup();
    await registry.stop();
  }
}

await main();
