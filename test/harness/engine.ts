// The engine under test: whether one answers, and a local base image (nothing can be pulled here), made by
// `docker import` of a busybox-static root filesystem once per engine and reused by every test.
import { readFile, open, rm, stat } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { isDamError } from '../../src/core/errors.js';
import type { Engine } from '../../src/core/ports/engine.js';
import { createDockerEngine } from '../../src/adapters/docker/engine.js';
import { parseDockerHost } from '../../src/adapters/docker/address.js';
import { EngineHttp } from '../../src/adapters/docker/http.js';
import { consumeMessages } from '../../src/adapters/docker/json-stream.js';
import { TEST_LABEL } from './dam.js';

export const BASE_IMAGE = 'dam-test-base:busybox';
const BUSYBOX = '/bin/busybox';
/** Applets linked in /bin when `busybox --list` cannot be run. */
const APPLETS = [
  'sh',
  'ash',
  'httpd',
  'cat',
  'echo',
  'sleep',
  'ls',
  'cp',
  'mv',
  'rm',
  'mkdir',
  'chmod',
  'touch',
  'test',
  'true',
  'false',
  'env',
  'id',
  'grep',
  'sed',
  'wc',
  'head',
  'tail',
  'printf',
  'wget',
  'nc',
  'tar',
  'gzip',
];

/** The engine the tests use: DOCKER_HOST or /var/run/docker.sock. */
export function testEngine(): Engine {
  return createDockerEngine(process.env);
}

/** Whether an engine answers; tests that need one skip (with this reason) when none does. */
export async function engineAvailable(): Promise<boolean> {
  try {
    await testEngine().info();
    return true;
  } catch (err) {
    if (isDamError(err, 'ENGINE_UNREACHABLE')) return false;
    throw err;
  }
}

function applets(): string[] {
  try {
    return execFileSync(BUSYBOX, ['--list'], { encoding: 'utf8' })
      .split('\n')
      .filter((a) => /^[a-z0-9_.[-]+$/.test(a) && a !== 'busybox');
  } catch {
    return APPLETS;
  }
}

/** A root filesystem tar: /bin/busybox, a symlink per applet, and the few directories and files a shell expects. */
export async function busyboxRootfs(): Promise<Readable> {
  const busybox = await readFile(BUSYBOX);
  const tar = pack();
  const mtime = new Date(0);
  const dir = (name: string, mode = 0o755) => tar.entry({ name, type: 'directory', mode, mtime, uid: 0, gid: 0 });
  for (const d of ['bin', 'etc', 'dev', 'proc', 'sys', 'root', 'var', 'var/www']) dir(d);
  dir('tmp', 0o1777);
  tar.entry(
    { name: 'etc/passwd', mode: 0o644, mtime, uid: 0, gid: 0 },
    'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n',
  );
  tar.entry({ name: 'etc/group', mode: 0o644, mtime, uid: 0, gid: 0 }, 'root:x:0:\nnogroup:x:65534:\n');
  tar.entry({ name: 'bin/busybox', mode: 0o755, mtime, uid: 0, gid: 0 }, busybox);
  for (const applet of applets())
    tar.entry({ name: `bin/${applet}`, type: 'symlink', linkname: 'busybox', mode: 0o777, mtime, uid: 0, gid: 0 });
  tar.finalize();
  return Readable.from(tar);
}

/** `docker import` of the rootfs as BASE_IMAGE, labelled TEST_LABEL=base, with busybox's usual CMD. */
async function importBase(): Promise<void> {
  const http = new EngineHttp(parseDockerHost(process.env.DOCKER_HOST));
  const [repo, tag] = BASE_IMAGE.split(':');
  const res = await http.stream({
    method: 'POST',
    path: '/images/create',
    query: { fromSrc: '-', repo, tag, changes: [`LABEL ${TEST_LABEL}=base`, 'CMD ["sh"]'] },
    headers: { 'Content-Type': 'application/x-tar' },
    body: await busyboxRootfs(),
    subject: `image '${BASE_IMAGE}'`,
  });
  await consumeMessages(res, { what: `importing '${BASE_IMAGE}'` });
  http.close();
}

/** Serialises the import across test processes; a lock older than a minute is stale. */
async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const lock = join(tmpdir(), 'dam-test-base.lock');
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lock, 'wx');
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > 60_000 || attempt > 600) await rm(lock, { force: true });
      else await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}

let base: Promise<string> | undefined;

/** The tag of the local busybox base image, imported on first use per engine and then reused. */
export function baseImage(): Promise<string> {
  base ??= (async () => {
    const engine = testEngine();
    if (await engine.inspectImage(BASE_IMAGE)) return BASE_IMAGE;
    await withLock(async () => {
      if (!(await engine.inspectImage(BASE_IMAGE))) await importBase();
    });
    return BASE_IMAGE;
  })();
  return base;
}
