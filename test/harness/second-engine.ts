// A second Docker engine on this machine, empty, for export-on-one / import-on-the-other tests: its own
// dockerd with its own data root, exec root, pid file, unix socket and bridge. The bridge is created here
// (`ip link add ... type bridge`) and handed over with `-b`: started with `--bridge none`, dockerd deletes
// the first engine's docker0. iptables and masquerading are off, so the first engine's rules are untouched.
// stop() kills the dockerd this started (by its pid), removes its folders and deletes the bridge.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import type { Engine } from '../../src/core/ports/engine.js';
import { createDockerEngine } from '../../src/adapters/docker/engine.js';

const run = promisify(execFile);
const DOCKERD = process.env.DAM_TEST_DOCKERD ?? 'dockerd';

export interface SecondEngine {
  /** `unix:///.../docker.sock`, for DOCKER_HOST. */
  host: string;
  engine: Engine;
  /** Environment for `bin/dam` and `docker` runs against this engine. */
  env: Record<string, string>;
  /** The dockerd's process id (benchmarks read its CPU time). */
  pid?: number | undefined;
  stop(): Promise<void>;
}

/** Waits for a service started as `child` to answer on `engine`; fails at once when it exits. */
export async function waitUntilUp(
  engine: Engine,
  child: ChildProcess,
  log: () => string,
  timeoutMs = 60_000,
  what = 'the second dockerd',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}): ${log()}`);
    try {
      await engine.info();
      return;
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`${what} did not answer within ${timeoutMs} ms (${String(lastError)}): ${log()}`);
}

/** SIGTERM, then SIGKILL after 15 s; resolves when the process has exited. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

export async function startSecondEngine(): Promise<SecondEngine> {
  const dir = await mkdtemp(join(tmpdir(), 'damtest-engine2-'));
  // Short names: the socket path must fit in 108 bytes, an interface name in 15.
  const suffix = randomBytes(2).toString('hex');
  const bridge = `damtest-br${suffix}`;
  const subnet = `10.${200 + (parseInt(suffix.slice(0, 2), 16) % 50)}.${parseInt(suffix.slice(2), 16)}`;
  const exec = await mkdtemp(join('/tmp', 'de2-'));
  const socket = join(exec, 'docker.sock');
  await run('ip', ['link', 'add', 'name', bridge, 'type', 'bridge']);
  let child: ChildProcess | undefined;
  const cleanup = async () => {
    if (child) await stopChild(child);
    await run('ip', ['link', 'delete', bridge]).catch(() => undefined);
    // The engine's overlay mounts are gone once it exits; anything left mounted under it is unmounted first.
    const mounts = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
    for (const line of mounts.split('\n').reverse()) {
      const target = line.split(' ')[1];
      if (target && (target.startsWith(dir) || target.startsWith(exec)))
        await run('umount', ['-l', target]).catch(() => undefined);
    }
    await rm(dir, { recursive: true, force: true });
    await rm(exec, { recursive: true, force: true });
  };
  try {
    await run('ip', ['addr', 'add', `${subnet}.1/24`, 'dev', bridge]);
    await run('ip', ['link', 'set', bridge, 'up']);
    child = spawn(
      DOCKERD,
      [
        '--data-root',
        join(dir, 'data'),
        '--exec-root',
        join(exec, 'x'),
        '--pidfile',
        join(dir, 'docker.pid'),
        '-H',
        `unix://${socket}`,
        '-b',
        bridge,
        '--iptables=false',
        '--ip-masq=false',
        '--ip-forward=false',
        '--storage-driver',
        'overlay2',
        '--containerd-namespace',
        `damtest2-${suffix}`,
        '--containerd-plugins-namespace',
        `damtest2p-${suffix}`,
        '--log-level',
        'warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
    const host = `unix://${socket}`;
    const engine = createDockerEngine({ DOCKER_HOST: host });
    await waitUntilUp(engine, child, () => stderr);
    return { host, engine, env: { DOCKER_HOST: host }, pid: child.pid, stop: cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
