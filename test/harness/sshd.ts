// An OpenSSH server on a free loopback port, with key authentication only, for the fleet tests: Ansible
// reaches "hosts" through it exactly as it reaches real ones. Its keys, configuration and pid file live in a
// temporary folder; stop() kills the sshd this started and removes the folder.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './registries.js';

const run = promisify(execFile);
export const SSHD = '/usr/sbin/sshd';

export interface Sshd {
  port: number;
  /** The private key Ansible logs in with (as root). */
  identity: string;
  stop(): Promise<void>;
}

async function answers(port: number): Promise<boolean> {
  return new Promise((resolveAnswer) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('data', (d) => {
      socket.destroy();
      resolveAnswer(d.toString('latin1').startsWith('SSH-'));
    });
    socket.once('error', () => resolveAnswer(false));
  });
}

export async function sshdAvailable(): Promise<boolean> {
  return access(SSHD).then(
    () => true,
    () => false,
  );
}

/** `setEnv`: variables every session gets (sshd's SetEnv), as a site's login environment would give them. */
export async function startSshd(setEnv: Record<string, string> = {}): Promise<Sshd> {
  const dir = await mkdtemp(join(tmpdir(), 'damtest-sshd-'));
  const identity = join(dir, 'id_ed25519');
  const hostKey = join(dir, 'ssh_host_ed25519_key');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', identity]);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  await writeFile(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${identity}.pub`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'MaxSessions 30',
      'MaxStartups 30:30:60',
      'Subsystem sftp internal-sftp',
      ...Object.entries(setEnv).map(([k, v]) => `SetEnv ${k}=${v}`),
      '',
    ].join('\n'),
  );
  let stderr = '';
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    if (await answers(port)) return { port, identity, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`sshd did not answer on 127.0.0.1:${port}: ${stderr}`);
}
