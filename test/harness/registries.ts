// Real registries for the tests and the bench: Debian's `docker-registry` (Distribution v2) on 127.0.0.1,
// each on a free port with temporary storage, in three set-ups: plain HTTP without auth; HTTPS with a
// throw-away CA (installed in /etc/docker/certs.d so the engine trusts it too) and htpasswd basic auth;
// and `auth: token` with a token service run here, signing ES256 JWTs with a throw-away key.
// stop() kills what start started and removes its files.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createNetServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { startTokenService, type TokenService } from './token-service.js';

const run = promisify(execFile);
export const REGISTRY_BIN = process.env.DAM_TEST_REGISTRY_BIN ?? '/usr/bin/docker-registry';
export const DOCKER_CERTS_DIR = '/etc/docker/certs.d';

export interface TestRegistry {
  /** `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`. */
  url: string;
  /** `127.0.0.1:PORT`, what `dam addrepo --server` takes. */
  host: string;
  username?: string;
  password?: string;
  /** PEM of the CA that signed the registry's certificate (HTTPS only). */
  caFile?: string;
  /** The Authorization header that lets the harness push `names` (used by seedRegistry). */
  authorizationFor(names: string[]): Promise<string | undefined>;
  stop(): Promise<void>;
}

export interface TokenRegistry extends TestRegistry {
  tokens: TokenService;
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, log: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`docker-registry did not listen on ${port}: ${log()}`);
}

interface Spawned {
  dir: string;
  port: number;
  stop(): Promise<void>;
}

async function spawnRegistry(dir: string, port: number, extra: string, bind = '127.0.0.1'): Promise<Spawned> {
  const config = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: ${bind}:${port}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
    extra,
  ].join('\n');
  await writeFile(join(dir, 'config.yml'), `${config}\n`);
  const child = spawn(REGISTRY_BIN, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  await waitForPort(port, child, () => stderr);
  return {
    dir,
    port,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** (a) Plain HTTP, no authentication. `bind` '0.0.0.0' also serves it on the host's other addresses (url and host stay loopback). */
export async function startPlainRegistry(options: { bind?: string } = {}): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'damtest-registry-'));
  const port = await freePort();
  const reg = await spawnRegistry(dir, port, '', options.bind);
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    authorizationFor: async () => undefined,
    stop: async () => {
      await reg.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A CA and a certificate it signed, for 127.0.0.1 and localhost (or for signing tokens). */
export async function makeCa(
  dir: string,
  leafName: string,
  usage: 'server' | 'signing',
): Promise<{ caCrt: string; leafCrt: string; leafKey: string }> {
  const caKey = join(dir, 'ca.key');
  const caCrt = join(dir, 'ca.crt');
  const leafKey = join(dir, `${leafName}.key`);
  const leafCsr = join(dir, `${leafName}.csr`);
  const leafCrt = join(dir, `${leafName}.crt`);
  const ext = join(dir, `${leafName}.ext`);
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    caKey,
    '-out',
    caCrt,
    '-days',
    '2',
    '-subj',
    '/CN=DAM test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await run('openssl', [
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    leafKey,
    '-out',
    leafCsr,
    '-subj',
    `/CN=${usage === 'server' ? '127.0.0.1' : 'DAM test token signer'}`,
  ]);
  await writeFile(
    ext,
    usage === 'server'
      ? 'basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n'
      : 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n',
  );
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    leafCsr,
    '-CA',
    caCrt,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-out',
    leafCrt,
    '-days',
    '2',
    '-extfile',
    ext,
  ]);
  return { caCrt, leafCrt, leafKey };
}

async function htpasswd(path: string, username: string, password: string): Promise<void> {
  const { stdout } = await run('htpasswd', ['-Bbn', username, password]);
  await writeFile(path, stdout);
}

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

/**
 * (b) HTTPS with a CA of its own and htpasswd basic auth. The CA goes to
 * /etc/docker/certs.d/127.0.0.1:PORT/ca.crt, where both the engine and DAM look, unless `installCa` is false.
 */
export async function startTlsRegistry(
  options: { username?: string; password?: string; installCa?: boolean; bind?: string } = {},
): Promise<TestRegistry> {
  const username = options.username ?? 'damtest';
  const password = options.password ?? `pw-${randomBytes(6).toString('hex')}`;
  const dir = await mkdtemp(join(tmpdir(), 'damtest-registry-tls-'));
  const port = await freePort();
  const { caCrt, leafCrt, leafKey } = await makeCa(dir, 'server', 'server');
  await htpasswd(join(dir, 'htpasswd'), username, password);
  const certsDir = join(DOCKER_CERTS_DIR, `127.0.0.1:${port}`);
  if (options.installCa !== false) {
    await mkdir(certsDir, { recursive: true });
    await writeFile(join(certsDir, 'ca.crt'), await readFile(caCrt));
  }
  const reg = await spawnRegistry(
    dir,
    port,
    [
      `  tls:`,
      `    certificate: ${leafCrt}`,
      `    key: ${leafKey}`,
      'auth:',
      '  htpasswd:',
      '    realm: dam-test',
      `    path: ${join(dir, 'htpasswd')}`,
    ].join('\n'),
    options.bind,
  );
  return {
    url: `https://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    username,
    password,
    caFile: caCrt,
    authorizationFor: async () => basic(username, password),
    stop: async () => {
      await reg.stop();
      if (options.installCa !== false) await rm(certsDir, { recursive: true, force: true });
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** (c) Plain HTTP on loopback with `auth: token`; tokens come from a token service run by the harness. */
export async function startTokenRegistry(
  options: { username?: string; password?: string } = {},
): Promise<TokenRegistry> {
  const username = options.username ?? 'damtest';
  const password = options.password ?? `pw-${randomBytes(6).toString('hex')}`;
  const dir = await mkdtemp(join(tmpdir(), 'damtest-registry-token-'));
  const port = await freePort();
  const { caCrt, leafCrt, leafKey } = await makeCa(dir, 'signer', 'signing');
  const service = 'dam-test-registry';
  const issuer = 'dam-test-token-service';
  const tokens = await startTokenService({
    service,
    issuer,
    signerCertPem: await readFile(leafCrt, 'utf8'),
    signerKeyPem: await readFile(leafKey, 'utf8'),
    users: { [username]: password },
  });
  let reg: Spawned;
  try {
    reg = await spawnRegistry(
      dir,
      port,
      [
        'auth:',
        '  token:',
        `    realm: ${tokens.url}/token`,
        `    service: ${service}`,
        `    issuer: ${issuer}`,
        `    rootcertbundle: ${caCrt}`,
      ].join('\n'),
    );
  } catch (err) {
    await tokens.stop();
    throw err;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    username,
    password,
    tokens,
    authorizationFor: async (names) =>
      `Bearer ${tokens.mint(
        username,
        names.flatMap((n) => [{ type: 'repository', name: n, actions: ['pull', 'push'] }]),
      )}`,
    stop: async () => {
      await reg.stop();
      await tokens.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
