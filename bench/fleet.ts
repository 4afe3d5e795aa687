// Rolling a product out to a site, as a ratio against one host's import measured in the same run (target:
// the Ansible rollout of a ~200 MB product to three hosts with forks=3 <= 1.5x one host's
// `dam import BUNDLE --yes` of the same bundle). Printed beside it, from the same run:
// - the three hosts' imports at once without Ansible: here the three "hosts" share this machine's cores, so
//   this is the floor any rollout on this machine has, whatever drives it;
// - the rollout to one host: on a real site each host has its own cores, so this is what the three-host
//   rollout would cost there (the controller's share aside);
// - Ansible's own overhead: a second rollout on the converged site (DAM has nothing to do), and two trivial
//   plays, one task with no module and one module call per host, which are Ansible's start-up and task cost.
// Run: node --import tsx bench/fleet.ts   (BENCH_RUNS=2, BENCH_FLEET_MB=200)
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dam, tempHome, uniqueName } from '../test/harness/dam.js';
import { buildTestApp, removeTestImages } from '../test/harness/apps.js';
import {
  COLLECTION_DIR,
  fleetSkipReason,
  hostDam,
  playbook,
  startSite,
  type FleetHost,
  type Site,
} from '../test/harness/fleet.js';
import { median } from './lib.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const MB = Number(process.env.BENCH_FLEET_MB ?? 200);
const ROLLOUT = join(COLLECTION_DIR, 'playbooks', 'rollout.yml');
const names = [uniqueName('bfa'), uniqueName('bfb')];

async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function check(what: string, out: { code: number | null; out?: string; stdout?: string; stderr?: string }): void {
  if (out.code !== 0) throw new Error(`${what} failed:\n${out.out ?? `${out.stdout}\n${out.stderr}`}`);
}

const loadAverage = async () => (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ');

/** Back to an empty host: apps removed, the engine's images and the copied product gone. */
async function reset(host: FleetHost): Promise<void> {
  for (const n of names) await hostDam(host, ['remove', n, '--force']);
  for (const image of await host.engine.engine.listImages())
    await host.engine.engine.removeImage(image.id, { force: true });
  await rm(host.bundleDir, { recursive: true, force: true });
}

function hostImport(site: Site, host: FleetHost, bundle: string) {
  return dam(['import', bundle, '--yes'], {
    home: host.home,
    env: { DOCKER_HOST: host.engine.host, DAMTEST_LOG: join(site.dir, 'scripts.log') },
    timeoutMs: 600_000,
  });
}

/** Two trivial plays over the site: Ansible's start-up (one task, no module), and one module call per host. */
async function trivialPlays(site: Site): Promise<{ startup: string; module: string }> {
  const play = async (file: string, task: string) => {
    const path = join(site.dir, file);
    await writeFile(
      path,
      `---\n- name: Trivial\n  hosts: dam_hosts\n  gather_facts: false\n  tasks:\n    - name: Task\n      ${task}\n`,
    );
    return path;
  };
  return {
    startup: await play('startup.yml', 'ansible.builtin.set_fact: { x: 1 }'),
    module: await play('module.yml', 'ansible.builtin.ping:'),
  };
}

interface Figures {
  single: number[];
  parallel: number[];
  rollout: number[];
  converged: number[];
  oneHost: number[];
  startup: number[];
  module: number[];
}

async function measure(site: Site, bundle: string, f: Figures): Promise<void> {
  const rollout = (group = 'dam_hosts') =>
    playbook(site, ROLLOUT, { dam_rollout_bundle: bundle, dam_serial: 3, dam_group: group });
  const plays = await trivialPlays(site);
  for (const h of site.hosts) await reset(h);
  f.single.push(await seconds(async () => check('dam import', await hostImport(site, site.hosts[0]!, bundle))));
  await reset(site.hosts[0]!);
  f.parallel.push(
    await seconds(async () =>
      (await Promise.all(site.hosts.map((h) => hostImport(site, h, bundle)))).forEach((r) => check('dam import', r)),
    ),
  );
  for (const h of site.hosts) await reset(h);
  f.rollout.push(await seconds(async () => check('the rollout', await rollout())));
  f.converged.push(await seconds(async () => check('the converged rollout', await rollout())));
  await reset(site.hosts[0]!);
  f.oneHost.push(await seconds(async () => check('the rollout to one host', await rollout(site.hosts[0]!.name))));
  f.startup.push(await seconds(async () => check('the empty play', await playbook(site, plays.startup, {}))));
  f.module.push(await seconds(async () => check('the one-module play', await playbook(site, plays.module, {}))));
}

function print(f: Figures, hosts: number, load: string[]): void {
  const one = median(f.single);
  const ratio = median(f.rollout) / one;
  const line = (label: string, xs: number[], note: string) =>
    console.log(`${label.padEnd(50)}${median(xs).toFixed(2).padStart(7)} s   ${note}`);
  console.log(
    `product: ${MB} MB in ${names.length} apps, ${hosts} hosts, forks=3, ${RUNS} run(s) (medians); load average ${load.join(' -> ')}`,
  );
  line("one host's dam import", f.single, '');
  line(
    `${hosts} hosts' dam import at once, no Ansible`,
    f.parallel,
    `${(median(f.parallel) / one).toFixed(2)}x (the floor here: the hosts share this machine's cores)`,
  );
  line(
    `rollout to ${hosts} hosts (Ansible)`,
    f.rollout,
    `${ratio.toFixed(2)}x (target <= 1.5x); ${(median(f.rollout) - median(f.parallel)).toFixed(2)} s above the bare imports`,
  );
  line(
    'rollout to 1 host (Ansible)',
    f.oneHost,
    `${(median(f.oneHost) / one).toFixed(2)}x (a real site, where each host has its own cores)`,
  );
  line(
    "Ansible's overhead per host (converged rollout)",
    f.converged,
    "each host's whole run, in parallel: the bundle's hashes, 3 module calls, DAM with nothing to do",
  );
  line("  of which Ansible's start-up (an empty play)", f.startup, '');
  line(
    '  one module call on each host (a ping play)',
    f.module,
    `${(median(f.module) - median(f.startup)).toFixed(2)} s per module call over the start-up`,
  );
  if (ratio > 1.5) process.exitCode = 1;
}

async function main(site: Site, bundle: string): Promise<void> {
  const f: Figures = { single: [], parallel: [], rollout: [], converged: [], oneHost: [], startup: [], module: [] };
  // DAM must be on the hosts before any figure: a first rollout puts it there.
  check('the first rollout', await playbook(site, ROLLOUT, { dam_rollout_bundle: bundle, dam_serial: 3 }));
  const load = [await loadAverage()];
  for (let i = 0; i < RUNS; i++) await measure(site, bundle, f);
  load.push(await loadAverage());
  print(f, site.hosts.length, load);
}

const reason = fleetSkipReason();
if (reason) {
  console.log(`skipped: ${reason}`);
} else {
  const site = await startSite(3);
  const vendor = await tempHome();
  try {
    const per = Math.floor((MB * 1024 * 1024) / names.length);
    for (const n of names) await buildTestApp({ name: n, version: '1.0', padBytes: per });
    const env = { DAMTEST_LOG: join(site.dir, 'vendor.log') };
    check(
      'vendor install',
      await dam(['install', ...names.map((n) => `${n}:1.0`)], { home: vendor.home, env, timeoutMs: 600_000 }),
    );
    const bundle = join(site.dir, 'product.bundle');
    check(
      'vendor export',
      await dam(['export', '--all', '--name', 'bench', bundle], { home: vendor.home, env, timeoutMs: 600_000 }),
    );
    await main(site, bundle);
  } finally {
    await site.stop();
    await vendor.cleanup();
    await removeTestImages(names);
  }
}
