// A Podman engine for the tests: Debian's `podman system service` on its own unix socket, with its own
// storage (--root, --runroot, --tmpdir under one temporary folder), its own containers.conf and
// storage.conf, in a private mount namespace where /var/lib/containers and /run/containers (Podman's blob
// cache and network configuration, which --root does not move) are folders of the test: it touches no
// other Podman or Docker state, and its mounts end with it. stop() kills the service this started (by its
// pid) and removes the folder. The busybox base image is imported into it.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createDockerEngine } from '../../src/adapters/docker/engine.js';
import { parseDockerHost } from '../../src/adapters/docker/address.js';
import { EngineHttp } from '../../src/adapters/docker/http.js';
import { consumeMessages } from '../../src/adapters/docker/json-stream.js';
import { TEST_LABEL } from './dam.js';
import { BASE_IMAGE, busyboxRootfs } from './engine.js';
import { stopChild, waitUntilUp, type SecondEngine } from './second-engine.js';

const run = promisify(execFile);
const PODMAN = process.env.DAM_TEST_PODMAN ?? 'podman';

/** Its socket, client, environment for `bin/dam`, and stop(). */
export type PodmanEngine = SecondEngine;

/** Why Podman tests cannot run here, or undefined when they can. */
export async function podmanMissing(): Promise<string | undefined> {
  try {
    await run(PODMAN, ['--version']);
    return undefined;
  } catch {
    return `'${PODMAN}' is not installed (scripts/ensure-engine.sh installs Debian's podman)`;
  }
}

// No systemd or journald in a test: plain cgroups and a file for events.
const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

const CONTAINERS_CONF = '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n';

/** Podman's compat import ignores `tag` (the image becomes `:latest`): import, then tag it. */
async function importBase(host: string): Promise<void> {
  const http = new EngineHttp(parseDockerHost(host));
  const [repo, tag] = BASE_IMAGE.split(':') as [string, string];
  try {
    const res = await http.stream({
      method: 'POST',
      path: '/images/create',
      query: { fromSrc: '-', repo, changes: [`LABEL ${TEST_LABEL}=base`, 'CMD ["sh"]'] },
      headers: { 'Content-Type': 'application/x-tar' },
      body: await busyboxRootfs(),
      subject: `image '${BASE_IMAGE}'`,
    });
    await consumeMessages(res, { what: `importing '${BASE_IMAGE}'` });
    await createDockerEngine({ DOCKER_HOST: host }).tagImage(`${repo}:latest`, `${repo}:${tag}`);
  } finally {
    http.close();
  }
}

/** `insecureRegistries` (`host:port`) are reached over plain HTTP, as Docker's insecure-registries. */
export async function startPodman(options: { insecureRegistries?: string[] } = {}): Promise<PodmanEngine> {
  // Short: the socket path must fit in 108 bytes.
  const dir = await mkdtemp('/tmp/dpm-');
  const socket = join(dir, 'podman.sock');
  const env = {
    ...process.env,
    CONTAINERS_CONF: join(dir, 'containers.conf'),
    CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf'),
    CONTAINERS_REGISTRIES_CONF: join(dir, 'registries.conf'),
  };
  let child: ChildProcess | undefined;
  const stop = async () => {
    if (child) await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await writeFile(env.CONTAINERS_CONF, CONTAINERS_CONF);
    await writeFile(
      env.CONTAINERS_STORAGE_CONF,
      `[storage]\ndriver = "overlay"\nrunroot = "${dir}/run"\ngraphroot = "${dir}/root"\n`,
    );
    const registries = (options.insecureRegistries ?? []).map(
      (r) => `[[registry]]\nlocation = "${r}"\ninsecure = true\n`,
    );
    await writeFile(
      env.CONTAINERS_REGISTRIES_CONF,
      `unqualified-search-registries = ["docker.io"]\n${registries.join('')}`,
    );
    for (const d of ['varlib', 'runc']) await mkdir(join(dir, d));
    const storage = ['--root', join(dir, 'root'), '--runroot', join(dir, 'run'), '--tmpdir', join(dir, 'tmp')];
    const service = [PODMAN, ...storage, 'system', 'service', '--time=0', `unix://${socket}`].map(quote).join(' ');
    const script = `mkdir -p /var/lib/containers /run/containers && mount --bind ${quote(join(dir, 'varlib'))} /var/lib/containers && mount --bind ${quote(join(dir, 'runc'))} /run/containers && exec ${service}`;
    child = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
    const host = `unix://${socket}`;
    const engine = createDockerEngine({ DOCKER_HOST: host });
    await waitUntilUp(engine, child, () => stderr, 30_000, 'podman system service');
    await importBase(host);
    return { host, engine, env: { DOCKER_HOST: host }, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
