// Rolling a product out to a site, as a ratio against one host's import measured in the same run (target:
// the Ansible rollout of a ~200 MB product to three hosts with forks=3 <= 1.5x one host's
// `dam import BUNDLE --yes` of the same bundle). Ansible's own overhead per host is reported apart: the
// time of a second rollout on the converged site, where DAM has nothing to do.
// Run: node --import tsx bench/fleet.ts   (BENCH_RUNS=2, BENCH_FLEET_MB=200)
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { dam, tempHome, uniqueName } from '../test/harness/dam.js';
import { buildTestApp, removeTestImages } from '../test/harness/apps.js';
import { COLLECTION_DIR, fleetSkipReason, hostDam, playbook, startSite, type FleetHost, type Site } from '../test/harness/fleet.js';
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

/** Back to an empty host: apps removed, the engine's images and the copied product gone. */
async function reset(host: FleetHost): Promise<void> {
  for (const n of names) await hostDam(host, ['remove', n, '--force']);
  for (const image of await host.engine.engine.listImages()) await host.engine.engine.removeImage(image.id, { force: true });
  await rm(host.bundleDir, { recursive: true, force: true });
}

async function main(site: Site, bundle: string): Promise<void> {
  const single: number[] = [];
  const rollouts: number[] = [];
  const converged: number[] = [];
  const host = site.hosts[0]!;
  // DAM must be on the hosts before either figure: a first rollout puts it there.
  check('the first rollout', await playbook(site, ROLLOUT, { dam_rollout_bundle: bundle, dam_serial: 3 }));
  for (let i = 0; i < RUNS; i++) {
    for (const h of site.hosts) await reset(h);
    single.push(await seconds(async () => check('dam import', await dam(['import', bundle, '--yes'], { home: host.home, env: { DOCKER_HOST: host.engine.host, DAMTEST_LOG: join(site.dir, 'scripts.log') }, timeoutMs: 600_000 }))));
    await reset(host);
    rollouts.push(await seconds(async () => check('the rollout', await playbook(site, ROLLOUT, { dam_rollout_bundle: bundle, dam_serial: 3 }))));
    converged.push(await seconds(async () => check('the converged rollout', await playbook(site, ROLLOUT, { dam_rollout_bundle: bundle, dam_serial: 3 }))));
  }
  const ratio = median(rollouts) / median(single);
  console.log(`product: ${MB} MB in ${names.length} apps, ${site.hosts.length} hosts, forks=3, ${RUNS} runs (medians)`);
  console.log(`one host's dam import:            ${median(single).toFixed(2)} s`);
  console.log(`rollout to ${site.hosts.length} hosts (Ansible):       ${median(rollouts).toFixed(2)} s   ratio ${ratio.toFixed(2)}x (target <= 1.5x)`);
  console.log(`Ansible overhead (converged run): ${median(converged).toFixed(2)} s for the site, ${(median(converged) / site.hosts.length).toFixed(2)} s per host in parallel batches`);
  if (ratio > 1.5) process.exitCode = 1;
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
    check('vendor install', await dam(['install', ...names.map((n) => `${n}:1.0`)], { home: vendor.home, env, timeoutMs: 600_000 }));
    const bundle = join(site.dir, 'product.bundle');
    check('vendor export', await dam(['export', '--all', '--name', 'bench', bundle], { home: vendor.home, env, timeoutMs: 600_000 }));
    await main(site, bundle);
  } finally {
    await site.stop();
    await vendor.cleanup();
    await removeTestImages(names);
  }
}
