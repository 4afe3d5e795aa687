// From vendor to site, in one run, as ratios against baselines measured here (issue 12):
//   export: `dam export --all --from PRODUCT` straight from a registry <= 1.0x `skopeo copy docker://...
//           oci-archive:...` of each image in turn, and <= 0.3x today's way (docker pull of each, dam install
//           of each, dam export --all);
//   push:   `dam push --bundle` into an empty registry <= 1.0x `skopeo copy oci-archive:... docker://...` of
//           each image into another empty one;
//   import: `dam import` of the format 2 bundle into an empty second engine <= 1.2x `docker load` of a gzip'd
//           `docker save` of the same images;
//   size:   the format 2 bundle (layers compressed once by DAM, --local) <= 1.02x the format 1 bundle;
//   memory: peak RSS of export, push --bundle and import < 200 MB.
// A product of 4 apps sharing a base, BENCH_MB in all (default 500; e.g. BENCH_MB=60 for a quick run);
// BENCH_DATA=host fills the layers with real host files instead of random bytes; BENCH_ONLY=import measures
// the import alone (with the export it needs), for a quick loop;
// BENCH_RUNS (default 3) import runs, alternated with `docker load`, medians compared; BENCH_NODE_ARGS are
// given to the Node that runs each dam (e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof' to see where the time goes);
// BENCH_DAM=exe runs the release's linux-x64 executable (Node 24, what a site runs) instead of bin/dam on the
// machine's Node.
import { execFile, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createHash, randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { createRegistries } from '../src/adapters/registry/registries.js';
import { UNKNOWN_REPO_ID } from '../src/core/state.js';
import { DAM_BIN, tempHome, uniqueName, TEST_LABEL } from '../test/harness/dam.js';
import { startPlainRegistry, type TestRegistry } from '../test/harness/registries.js';
import { startSecondEngine, type SecondEngine } from '../test/harness/second-engine.js';
import { imageManifest } from '../test/harness/oci-images.js';
import { cpuSeconds, damEnv, hostFileList, median, PEAK, peakRssMb, timed } from './lib.js';

const sh = promisify(execFile);
const TOTAL_MB = Number(process.env.BENCH_MB ?? 500);
const DATA = process.env.BENCH_DATA === 'host' ? 'host' : 'random';
const ONLY_IMPORT = process.env.BENCH_ONLY === 'import';
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const MB = 1e6;
const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const results: Array<{ name: string; value: number; limit: number; note: string }> = [];

interface Blob {
  digest: string;
  size: number;
  diffId: string;
  file: string;
}

async function fileDigest(path: string): Promise<{ digest: string; size: number }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const c of createReadStream(path) as AsyncIterable<Buffer>) {
    h.update(c);
    size += c.length;
  }
  return { digest: `sha256:${h.digest('hex')}`, size };
}

/** A layer of about `bytes`: random bytes, or real host files; written as a tar and a gzip of it. */
async function layer(
  work: string,
  name: string,
  bytes: number,
  files?: Array<{ name: string; mode: number; data: string }>,
): Promise<Blob> {
  const tarFile = join(work, `${name}.tar`);
  if (files) {
    const p = pack();
    for (const f of files) p.entry({ name: f.name, mode: f.mode, mtime: new Date(0) }, f.data);
    p.finalize();
    await pipeline(p, createWriteStream(tarFile));
  } else if (DATA === 'host') {
    const list = await hostFileList(work, bytes);
    await sh(
      'tar',
      ['-cf', tarFile, '-C', '/', '-T', list, '--mtime=@0', '--owner=0', '--group=0', '--ignore-failed-read'],
      { maxBuffer: 1 << 26 },
    );
  } else {
    const p = pack();
    const writing = pipeline(p, createWriteStream(tarFile));
    const entry = p.entry({ name: `data/${name}.bin`, size: bytes, mode: 0o644, mtime: new Date(0) });
    await pipeline(
      Readable.from(
        (function* () {
          for (let left = bytes; left > 0; left -= 1 << 20) yield randomBytes(Math.min(left, 1 << 20));
        })(),
      ),
      entry,
    );
    p.finalize();
    await writing;
  }
  const gz = `${tarFile}.gz`;
  await pipeline(createReadStream(tarFile), createGzip({ level: 6 }), createWriteStream(gz));
  const diff = await fileDigest(tarFile);
  const blob = await fileDigest(gz);
  await rm(tarFile);
  return { ...blob, diffId: diff.digest, file: gz };
}

async function pushProduct(reg: TestRegistry, work: string, names: string[]): Promise<void> {
  const registries = createRegistries(process.env);
  const writer = registries
    .registry({ repo: { id: UNKNOWN_REPO_ID, name: 'bench', server: reg.host, isDefault: false, insecure: true } })
    .writer();
  const base = await layer(work, 'base', Math.round(TOTAL_MB * 0.4 * MB));
  for (const name of names) {
    const own = await layer(work, name, Math.round(TOTAL_MB * 0.15 * MB));
    const meta = await layer(work, `${name}-meta`, 0, [
      { name: 'meta/install', mode: 0o755, data: `#!/bin/sh\necho install ${name}\n` },
      { name: 'meta/uninstall', mode: 0o755, data: `#!/bin/sh\necho uninstall ${name}\n` },
    ]);
    const layers = [base, own, meta];
    const config = JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: {
        Labels: {
          DAM_APP_FAMILY: name,
          DAM_APP_MULTIVERSION: 'false',
          DAM_APP_SERVERS: ',',
          [TEST_LABEL]: 'bench-vendor',
        },
      },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    });
    for (const l of layers)
      if (!(await writer.hasBlob(name, l.digest)))
        await writer.pushBlob(name, { mediaType: '', digest: l.digest, size: l.size }, createReadStream(l.file));
    await writer.pushBlob(
      name,
      { mediaType: '', digest: sha(config), size: Buffer.byteLength(config) },
      Readable.from([Buffer.from(config)]),
    );
    const manifest = imageManifest(config, layers);
    await writer.putManifest(name, '1.0', 'application/vnd.oci.image.manifest.v1+json', Buffer.from(manifest));
  }
  await registries.close();
}

/** The release's linux-x64 executable, for BENCH_DAM=exe (what a site runs; built by `npm run release`). */
function releaseExecutable(): string {
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string };
  const exe = join(import.meta.dirname, '..', 'release', `dam-${pkg.version}-linux-x64`);
  if (!existsSync(exe)) throw new Error(`BENCH_DAM=exe needs ${exe}: run npm run release first`);
  return exe;
}

/** The command line of one dam run, printing its peak RSS on stderr (see peakRssMb). */
function damCommand(args: string[]): [string, string[]] {
  if (process.env.BENCH_DAM === 'exe')
    // The executable ignores --import: GNU time prints the peak RSS in the same form.
    return ['/usr/bin/time', ['-f', 'MAXRSS_KB=%M', releaseExecutable(), ...args]];
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  return [process.execPath, [...nodeArgs, '--import', PEAK, DAM_BIN, ...args]];
}

function damTimed(args: string[], home: string, env: NodeJS.ProcessEnv = {}): { ms: number; rss: number } {
  const [command, argv] = damCommand(['--home', home, ...args]);
  const r = timed(command, argv, damEnv(env));
  return { ms: r.ms, rss: peakRssMb(r.stderr) };
}

function record(name: string, value: number, limit: number, note: string): void {
  results.push({ name, value, limit, note });
}

interface Run {
  work: string;
  names: string[];
  tags: string[];
  product: string;
  bundle: string;
  exported: { ms: number; rss: number };
  regs: TestRegistry[];
  home: () => Promise<string>;
  noEngine: NodeJS.ProcessEnv;
  log: string;
}

function pullAll(tags: string[]): void {
  for (const t of tags) timed('docker', ['pull', '-q', t]);
}

/** The export, size and push rows; returns push's peak RSS. */
async function compareExportAndPush({
  work,
  names,
  tags,
  product,
  bundle,
  exported,
  regs,
  home,
  noEngine,
  log,
}: Run): Promise<number> {
  let skopeoMs = 0;
  for (const [i, t] of tags.entries())
    skopeoMs += timed('skopeo', [
      'copy',
      '--src-tls-verify=false',
      `docker://${t}`,
      `oci-archive:${join(work, `skopeo-${i}.tar`)}:${t}`,
    ]).ms;
  record(
    'registry-direct export / skopeo copy of each image',
    exported.ms / skopeoMs,
    1.0,
    `${(exported.ms / 1000).toFixed(1)} / ${(skopeoMs / 1000).toFixed(1)} s`,
  );

  const todayHome = await home();
  const start = Date.now();
  pullAll(tags);
  for (const t of tags)
    timed(process.execPath, [DAM_BIN, '--home', todayHome, 'install', t], { ...process.env, DAMTEST_LOG: log });
  const format1 = join(work, 'format1.bundle');
  timed(process.execPath, [DAM_BIN, '--home', todayHome, 'export', '--all', format1]);
  const todayMs = Date.now() - start;
  record(
    'registry-direct export / docker pull + install + export --all',
    exported.ms / todayMs,
    0.3,
    `${(exported.ms / 1000).toFixed(1)} / ${(todayMs / 1000).toFixed(1)} s`,
  );

  const local = join(work, 'local.bundle');
  timed(process.execPath, [DAM_BIN, '--home', todayHome, 'export', '--all', '--from', product, '--local', local]);
  const [f1, f2, f2local] = await Promise.all([format1, bundle, local].map(async (p) => (await stat(p)).size));
  record(
    'format 2 bundle (--local) / format 1 bundle',
    f2local! / f1!,
    1.02,
    `${(f2local! / MB).toFixed(1)} / ${(f1! / MB).toFixed(1)} MB (from the registry: ${(f2! / MB).toFixed(1)} MB)`,
  );

  const empty1 = await startPlainRegistry();
  const empty2 = await startPlainRegistry();
  regs.push(empty1, empty2);
  const pushHome = await home();
  spawnSync(process.execPath, [DAM_BIN, '--home', pushHome, 'addrepo', '--name', 'site', '--server', empty1.host], {
    stdio: 'ignore',
  });
  const pushed = damTimed(['push', '--bundle', bundle, '--repo', 'site'], pushHome, noEngine);
  let skopeoPushMs = 0;
  for (const [i, t] of tags.entries())
    skopeoPushMs += timed('skopeo', [
      'copy',
      '--dest-tls-verify=false',
      `oci-archive:${bundle}:${t}`,
      `docker://${empty2.host}/${names[i]}:1.0`,
    ]).ms;
  record(
    'push --bundle / skopeo copy oci-archive -> docker:// of each image',
    pushed.ms / skopeoPushMs,
    1.0,
    `${(pushed.ms / 1000).toFixed(1)} / ${(skopeoPushMs / 1000).toFixed(1)} s`,
  );

  return pushed.rss;
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'dambench-vendor-'));
  const regs: TestRegistry[] = [];
  let second: SecondEngine | undefined;
  const homes: Array<{ cleanup: () => Promise<void> }> = [];
  const names = [0, 1, 2, 3].map((i) => uniqueName(`bv${i}`));
  const home = async () => {
    const h = await tempHome();
    homes.push(h);
    return h.home;
  };
  try {
    const source = await startPlainRegistry();
    regs.push(source);
    await pushProduct(source, work, names);
    const tags = names.map((n) => `${source.host}/${n}:1.0`);
    const product = join(work, 'product.json');
    await writeFile(
      product,
      JSON.stringify({
        format: 1,
        name: 'bench',
        apps: names.map((n, i) => ({ name: n, version: '1.0', tag: tags[i] })),
      }),
    );
    const noEngine = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };

    const bundle = join(work, 'product.bundle');
    const exported = damTimed(['export', '--all', '--from', product, bundle], await home(), noEngine);
    const log = join(work, 'scripts.log');
    const pushedRss = ONLY_IMPORT
      ? undefined
      : await compareExportAndPush({ work, names, tags, product, bundle, exported, regs, home, noEngine, log });
    if (ONLY_IMPORT) pullAll(tags);
    second = await startSecondEngine();
    const saved = join(work, 'saved.tar.gz');
    await sh('bash', ['-c', `docker save ${tags.join(' ')} | gzip -6 > ${saved}`]);
    // Alternate the two, emptying the engine between runs, and take medians: the machine is shared.
    const loads: number[] = [];
    const imports: Array<{ ms: number; rss: number }> = [];
    const clear = async () => {
      for (const img of await second!.engine.listImages()) await second!.engine.removeImage(img.id, { force: true });
    };
    // CPU seconds of the client and the engine together: a figure the other load on a shared machine moves less.
    const loadCpu: number[] = [];
    const importCpu: number[] = [];
    const clientCpu = { load: [] as number[], import: [] as number[] };
    const cpu = () => [cpuSeconds('self'), cpuSeconds(second!.pid ?? 0)] as const;
    const spent = (before: readonly [number, number], into: number[], client: number[]) => {
      const [c, e] = cpu();
      into.push(c - before[0] + e - before[1]);
      client.push(c - before[0]);
    };
    for (let run = 0; run < RUNS; run++) {
      let before = cpu();
      loads.push(timed('docker', ['-H', second.host, 'load', '-i', saved]).ms);
      spent(before, loadCpu, clientCpu.load);
      await clear();
      const importHome = await home();
      before = cpu();
      imports.push(damTimed(['import', bundle, '--yes'], importHome, { ...second.env, DAMTEST_LOG: log }));
      spent(before, importCpu, clientCpu.import);
      await clear();
    }
    const loadMs = median(loads);
    const imported = { ms: median(imports.map((i) => i.ms)), rss: Math.max(...imports.map((i) => i.rss)) };
    const cpuNote =
      `; CPU of client and engine ${median(importCpu).toFixed(1)} / ${median(loadCpu).toFixed(1)} s = ` +
      `${(median(importCpu) / median(loadCpu)).toFixed(2)}x (clients ${median(clientCpu.import).toFixed(1)} / ` +
      `${median(clientCpu.load).toFixed(1)} s)`;
    record(
      `import of the format 2 bundle / docker load of a gzip'd docker save (${DATA} data)`,
      imported.ms / loadMs,
      1.2,
      `${(imported.ms / 1000).toFixed(1)} / ${(loadMs / 1000).toFixed(1)} s${cpuNote}`,
    );
    record('peak RSS of export --from, MB', exported.rss, 200, '');
    if (pushedRss !== undefined) record('peak RSS of push --bundle, MB', pushedRss, 200, '');
    record('peak RSS of import, MB', imported.rss, 200, '');
  } finally {
    // This engine is shared: the run's images go, under the registry's tags and the short ones dam install adds.
    const refs = names.flatMap((n) => [`${n}:1.0`, ...regs.slice(0, 1).map((r) => `${r.host}/${n}:1.0`)]);
    spawnSync('docker', ['rmi', '-f', ...refs], { stdio: 'ignore' });
    await second?.stop();
    for (const r of regs) await r.stop();
    for (const h of homes) await h.cleanup();
    await rm(work, { recursive: true, force: true });
  }
  console.log(`\nvendor to site, ${TOTAL_MB} MB product of 4 apps sharing a base (${DATA} data):`);
  for (const r of results)
    console.log(
      `  ${r.value <= r.limit ? 'ok  ' : 'MISS'} ${r.name}: ${r.value.toFixed(2)} (target <= ${r.limit}) ${r.note}`,
    );
  if (results.some((r) => r.value > r.limit)) process.exitCode = 1;
}

await main();
