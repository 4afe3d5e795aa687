// A site of three "hosts" for the Ansible tests: one sshd on loopback, and per host its own engine (a second
// dockerd with its own bridge), its own DAM state directory, DAM path and product folder. The collection is
// built with ansible-galaxy and installed into the site's folder, exactly as a controller would.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT, dam, type DamResult } from './dam.js';
import { startSecondEngine, type SecondEngine } from './second-engine.js';
import { SSHD, startSshd, type Sshd } from './sshd.js';

export const ANSIBLE_PLAYBOOK = '/usr/bin/ansible-playbook';
export const COLLECTION_DIR = join(ROOT, 'integrations', 'ansible');

/** Why the fleet tests cannot run here, or undefined when they can. */
export function fleetSkipReason(): string | undefined {
  if (!existsSync(ANSIBLE_PLAYBOOK))
    return `${ANSIBLE_PLAYBOOK} is missing (Debian's ansible-core; scripts/ensure-engine.sh installs it)`;
  if (!existsSync(SSHD)) return `${SSHD} is missing (Debian's openssh-server; scripts/ensure-engine.sh installs it)`;
  return undefined;
}

export interface FleetHost {
  name: string;
  engine: SecondEngine;
  home: string;
  damPath: string;
  bundleDir: string;
}

export interface Site {
  dir: string;
  hosts: FleetHost[];
  inventory: string;
  env: NodeJS.ProcessEnv;
  /** DAM as one file, what the role puts on a host that lacks it. */
  damSource: string;
  stop(): Promise<void>;
}

export interface Run {
  code: number | null;
  out: string;
}

/** DAM bundled into one executable file (Node on the host), for hosts that do not have DAM yet. */
async function singleFileDam(out: string): Promise<void> {
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  await build({
    entryPoints: [join(ROOT, 'src', 'main.ts')],
    outfile: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    define: { DAM_VERSION: JSON.stringify(pkg.version) },
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __damCreateRequire } from 'node:module'; const require = __damCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
}

function exec(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, timeoutMs = 600_000): Promise<Run> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, out });
    });
  });
}

export async function startSite(hostCount = 3): Promise<Site> {
  const dir = await mkdtemp(join(tmpdir(), 'damtest-fleet-'));
  const started: { sshd?: Sshd; engines: SecondEngine[] } = { engines: [] };
  const stop = async () => {
    await Promise.all(started.engines.map((e) => e.stop()));
    await started.sshd?.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    started.sshd = await startSshd({ DAMTEST_LOG: join(dir, 'scripts.log') });
    for (let i = 0; i < hostCount; i++) started.engines.push(await startSecondEngine());
    const damSource = join(dir, 'dam');
    await singleFileDam(damSource);
    const hosts = started.engines.map((engine, i): FleetHost => {
      const root = join(dir, `line${i + 1}`);
      return {
        name: `line${i + 1}`,
        engine,
        home: join(root, 'state'),
        damPath: join(root, 'bin', 'dam'),
        bundleDir: join(root, 'products'),
      };
    });
    for (const h of hosts) await mkdir(join(h.home, '..', 'bin'), { recursive: true });
    const inventory = join(dir, 'site.ini');
    await writeFile(
      inventory,
      [
        '[dam_hosts]',
        ...hosts.map(
          (h) =>
            `${h.name} dam_rollout_dam_path=${h.damPath} dam_rollout_home=${h.home} dam_rollout_docker_host=${h.engine.host} dam_rollout_bundle_dir=${h.bundleDir} dam_rollout_key_dir=${join(h.home, '..', 'keys')}`,
        ),
        '',
        '[dam_hosts:vars]',
        'ansible_host=127.0.0.1',
        `ansible_port=${started.sshd.port}`,
        'ansible_user=root',
        `ansible_ssh_private_key_file=${started.sshd.identity}`,
        'ansible_python_interpreter=/usr/bin/python3',
        `dam_rollout_dam_source=${damSource}`,
        `dam_rollout_report_dir=${join(dir, 'reports')}`,
        '',
      ].join('\n'),
    );
    const controlDir = await mkdtemp(join('/tmp', 'dcp-'));
    await writeFile(
      join(dir, 'ansible.cfg'),
      [
        '[defaults]',
        'host_key_checking = False',
        'forks = 3',
        `collections_path = ${join(dir, 'collections')}`,
        'retry_files_enabled = False',
        'interpreter_python = /usr/bin/python3',
        '[ssh_connection]',
        'pipelining = True',
        `control_path_dir = ${controlDir}`,
        'ssh_args = -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no',
        '',
      ].join('\n'),
    );
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ANSIBLE_CONFIG: join(dir, 'ansible.cfg'),
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_FORCE_COLOR: '0',
      ANSIBLE_LOCAL_TEMP: join(dir, 'ansible-tmp'),
      HOME: dir,
    };
    const built = await exec(
      'ansible-galaxy',
      ['collection', 'build', COLLECTION_DIR, '--output-path', dir, '--force'],
      env,
      dir,
    );
    if (built.code !== 0) throw new Error(`ansible-galaxy collection build failed: ${built.out}`);
    const tarball = /Created collection for dam\.fleet at (\S+)/.exec(built.out)?.[1];
    if (!tarball) throw new Error(`ansible-galaxy did not say where it wrote the collection: ${built.out}`);
    const installed = await exec(
      'ansible-galaxy',
      ['collection', 'install', tarball, '-p', join(dir, 'collections'), '--force'],
      env,
      dir,
    );
    if (installed.code !== 0) throw new Error(`ansible-galaxy collection install failed: ${installed.out}`);
    return {
      dir,
      hosts,
      inventory,
      env,
      damSource,
      stop: async () => {
        await stop();
        await rm(controlDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** ansible-playbook against the site, with extra vars. */
export function playbook(site: Site, book: string, extra: Record<string, unknown>, flags: string[] = []): Promise<Run> {
  return exec(
    ANSIBLE_PLAYBOOK,
    ['-i', site.inventory, book, '-e', JSON.stringify(extra), ...flags],
    site.env,
    site.dir,
  );
}

/** `changed=N` of each host from the PLAY RECAP. */
export function recap(out: string): Record<string, { ok: number; changed: number; failed: number }> {
  const hosts: Record<string, { ok: number; changed: number; failed: number }> = {};
  const at = out.lastIndexOf('PLAY RECAP');
  for (const m of out.slice(at).matchAll(/^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)/gm)) {
    hosts[m[1]!] = { ok: Number(m[2]), changed: Number(m[3]), failed: Number(m[4]) };
  }
  return hosts;
}

/** DAM on one host of the site, as its admin would run it there. */
export function hostDam(host: FleetHost, args: string[]): Promise<DamResult> {
  return dam(args, { home: host.home, env: { DOCKER_HOST: host.engine.host } });
}

/** name:version of each app installed on a host. */
export async function hostApps(host: FleetHost): Promise<string[]> {
  const out = await hostDam(host, ['list', '--json']);
  if (out.code !== 0) throw new Error(out.stderr);
  return (JSON.parse(out.stdout) as Array<{ name: string; version: string }>)
    .map((a) => `${a.name}:${a.version}`)
    .sort();
}

export { exec };
