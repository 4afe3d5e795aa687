// Bundles, side by side in one run, printed as ratios against baselines measured here (targets: issue 6):
//   size:   three apps sharing a 100 MB base: bundle <= 0.40x DAM 1.x's layout (one .dam per app, written
//           by the .dam writer) and <= 1.05x the distinct layers gzip'd one by one;
//   delta:  after one app gets a new 10 MB top layer, the delta bundle <= 1.1x that layer gzip'd;
//   import: `dam import BUNDLE --yes` of a ~500 MB product (verified while it loads, every app's install
//           script run) <= 1.2x `docker load` of a gzip'd `docker save` of the same images, into an empty
//           second engine, images removed between runs;
//   memory: peak RSS of `dam export --all` and `dam import` < 200 MB, for a BENCH_BIG_MB bundle.
// Run: node --import tsx bench/bundle.ts   (BENCH_RUNS=2, BENCH_BIG_MB=2048; 0 skips the big case;
//      BENCH_DATA=random fills the import case's apps with random bytes instead of real host files)
import { execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGzip } from 'node:zlib';
import { pack } from 'tar-stream';
import type { Engine } from '../src/core/ports/engine.js';
import { buildInventory, formatInventory } from '../src/core/bundle/inventory.js';
import { writeDam } from '../src/adapters/archive/write-dam.js';
import { GZIP_LEVEL } from '../src/adapters/bundle/compression.js';
import { walkTar } from '../src/adapters/bundle/tar-walk.js';
import { dam, DAM_BIN, TEST_LABEL, tempHome, uniqueName } from '../test/harness/dam.js';
import { baseImage, testEngine } from '../test/harness/engine.js';
import { startSecondEngine, type SecondEngine } from '../test/harness/second-engine.js';
import { damEnv, hostFileList } from './lib.js';

const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const BIG_MB = Number(process.env.BENCH_BIG_MB ?? 2048);
const LABEL = 'bench-bundle';
const MB = 1024 * 1024;

const engine = testEngine();
const prefix = uniqueName('bb');
const made: string[] = [];

async function build(tag: string, dockerfile: string, meta = false): Promise<string> {
  const tar = pack();
  tar.entry({ name: 'Dockerfile' }, dockerfile);
  if (meta) {
    tar.entry({ name: 'meta/install', mode: 0o755 }, `#!/bin/sh\necho install ${tag}\n`);
    tar.entry({ name: 'meta/uninstall', mode: 0o755 }, `#!/bin/sh\necho uninstall ${tag}\n`);
  }
  tar.finalize();
  const name = tag.split(':')[0]!.split('/').pop()!;
  await engine.build(Readable.from(tar), {
    tag,
    labels: { DAM_APP_FAMILY: name, DAM_APP_MULTIVERSION: 'false', DAM_APP_SERVERS: ',', [TEST_LABEL]: LABEL },
  });
  made.push(tag);
  return tag;
}

const size = async (path: string) => (await stat(path)).size;
const fmt = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results: Array<{ name: string; value: number; limit: number }> = [];
/** What the import case's apps hold: real host files (default), or random bytes (BENCH_DATA=random). */
const DATA = process.env.BENCH_DATA === 'random' ? 'random' : 'host';

/** `count` apps of about `eachMb` MB each of distinct real host files, imported with DAM's labels and a /meta. */
async function hostFileApps(work: string, prefix: string, count: number, eachMb: number): Promise<string[]> {
  const files = (await readFile(await hostFileList(work, count * eachMb * MB), 'utf8')).split('\n').filter(Boolean);
  const parts: string[][] = Array.from({ length: count }, () => []);
  let part = 0;
  let bytes = 0;
  for (const f of files) {
    if (bytes >= eachMb * MB && part < count - 1) {
      part++;
      bytes = 0;
    }
    parts[part]!.push(f);
    bytes += (await stat(`/${f}`)).size;
  }
  const meta = join(work, 'host-app');
  await mkdir(join(meta, 'meta'), { recursive: true });
  for (const script of ['install', 'uninstall'])
    await writeFile(join(meta, 'meta', script), `#!/bin/sh\necho ${script}\n`, { mode: 0o755 });
  const tags: string[] = [];
  for (const [i, list] of parts.entries()) {
    const tag = `${prefix}${i}:1.0`;
    const name = tag.split(':')[0]!;
    const listFile = join(work, `host-app-${i}.txt`);
    await writeFile(listFile, `${list.join('\n')}\n`);
    const changes = [
      `LABEL ${TEST_LABEL}=${LABEL}`,
      `LABEL DAM_APP_FAMILY=${name}`,
      'LABEL DAM_APP_MULTIVERSION=false',
      'LABEL DAM_APP_SERVERS=,',
    ]
      .map((c) => `--change '${c}'`)
      .join(' ');
    await run('bash', [
      '-c',
      `tar -cf - -C / -T '${listFile}' -C '${meta}' meta 2>/dev/null | docker import ${changes} - '${tag}'`,
    ]);
    made.push(tag);
    tags.push(tag);
  }
  return tags;
}

function ratio(name: string, value: number, base: number, limit: number, detail: string): void {
  const r = value / base;
  results.push({ name, value: r, limit });
  console.log(`  ${name.padEnd(44)} x${r.toFixed(3)}  (limit x${limit})  ${r <= limit ? 'ok' : 'OVER'}   ${detail}`);
}

/** Sum of the distinct layer tars of `refs`, each gzip'd at the bundle's level. */
async function distinctLayersGzipped(refs: string[]): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  await walkTar(await engine.save(refs), { path: 'docker save' }, async (header, body) => {
    if (header.type !== 'file' || !/layer\.tar$/.test(header.name) || seen.has(header.name)) return void body.resume();
    seen.add(header.name);
    const count = new Writable({ write: (c: Buffer, _e, cb) => ((total += c.length), cb()) });
    await pipeline(body, createGzip({ level: GZIP_LEVEL }), count);
  });
  return total;
}

async function timed(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ seconds: number; rssKb: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '%e %M', cmd, ...args], {
      env: damEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = stderr.trim().split('\n').pop() ?? '';
      const [seconds, rss] = last.split(' ').map(Number);
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} failed (${code}): ${stderr.slice(-2000)}`));
      else resolve({ seconds: seconds!, rssKb: rss!, stdout });
    });
  });
}

async function clear(e: Engine): Promise<void> {
  for (const i of await e.listImages()) await e.removeImage(i.id, { force: true });
}

async function installAll(home: string, tags: string[]): Promise<void> {
  for (const t of tags) {
    const out = await dam(['install', t], { home, timeoutMs: 600_000 });
    if (out.code !== 0) throw new Error(`dam install ${t}: ${out.stderr}`);
  }
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'dam-bench-bundle-'));
  const homes: Array<() => Promise<void>> = [];
  let second: SecondEngine | undefined;
  try {
    const busybox = await baseImage();
    const base = await build(`${prefix}-base:1`, `FROM ${busybox}\nRUN head -c ${100 * MB} /dev/urandom > /big\n`);
    const apps = [];
    for (const x of ['a', 'b', 'c'])
      apps.push(await build(`${prefix}-${x}:1.0`, `FROM ${base}\nCOPY meta /meta\n`, true));

    console.log('size: three apps sharing a 100 MB base');
    const small = await tempHome();
    homes.push(small.cleanup);
    await installAll(small.home, apps);
    const bundle = join(dir, 'small.dam');
    const exp = await timed(process.execPath, [DAM_BIN, '--home', small.home, 'export', '--all', bundle]);
    const damDir = join(dir, 'dam1');
    await run('mkdir', [damDir]);
    for (const t of apps) await writeDam(engine, t, { name: t.split(':')[0]!, version: '1.0', tag: t, dir: damDir });
    let layout1x = 0;
    for (const f of await readdir(damDir)) layout1x += await size(join(damDir, f));
    const distinct = await distinctLayersGzipped(apps);
    const bundleBytes = await size(bundle);
    ratio('bundle / DAM 1.x layout (3 .dam)', bundleBytes, layout1x, 0.4, `${fmt(bundleBytes)} vs ${fmt(layout1x)}`);
    ratio(
      "bundle / distinct layers gzip'd",
      bundleBytes,
      distinct,
      1.05,
      `${fmt(bundleBytes)} vs ${fmt(distinct)}; export ${exp.seconds}s`,
    );
    for (const c of ['zstd', 'none']) {
      const f = join(dir, `small-${c}.dam`);
      const t = await timed(process.execPath, [DAM_BIN, '--home', small.home, 'export', '--all', '--compress', c, f]);
      console.log(
        `  (--compress ${c}: ${fmt(await size(f))} in ${t.seconds}s; gzip: ${fmt(bundleBytes)} in ${exp.seconds}s)`,
      );
    }

    console.log('delta: one app gets a new 10 MB top layer');
    const inventory = buildInventory(
      [],
      await Promise.all(apps.map(async (t) => (await engine.inspectImage(t))!.layers)),
    );
    const invFile = join(dir, 'inventory.json');
    await writeFile(invFile, formatInventory(inventory));
    const changed = await build(`${prefix}-c:2.0`, `FROM ${apps[2]}\nRUN head -c ${10 * MB} /dev/urandom > /top\n`);
    const deltaHome = await tempHome();
    homes.push(deltaHome.cleanup);
    await installAll(deltaHome.home, [apps[0]!, apps[1]!, changed]);
    const deltaFile = join(dir, 'delta.dam');
    await timed(process.execPath, [
      DAM_BIN,
      '--home',
      deltaHome.home,
      'export',
      '--all',
      '--delta',
      invFile,
      deltaFile,
    ]);
    const top = (await engine.inspectImage(changed))!.layers.at(-1)!;
    let topGz = 0;
    await walkTar(await engine.save([changed]), { path: 'docker save' }, async (header, body) => {
      if (header.type !== 'file' || !/layer\.tar$/.test(header.name)) return void body.resume();
      const hash = (await import('node:crypto')).createHash('sha256');
      let gz = 0;
      const count = new Writable({ write: (c: Buffer, _e, cb) => ((gz += c.length), cb()) });
      body.on('data', (c: Buffer) => hash.update(c));
      await pipeline(body, createGzip({ level: GZIP_LEVEL }), count);
      if (`sha256:${hash.digest('hex')}` === top) topGz = gz;
    });
    ratio(
      "delta bundle / new layer gzip'd",
      await size(deltaFile),
      topGz,
      1.1,
      `${fmt(await size(deltaFile))} vs ${fmt(topGz)}`,
    );

    second = await startSecondEngine();
    const importCase = async (label: string, mb: number, runs: number, compare: boolean): Promise<void> => {
      const count = mb >= 1000 ? 1 : 4;
      const each = Math.round((mb - 100) / count);
      const images: string[] = DATA === 'random' ? [] : await hostFileApps(dir, `${prefix}-${label}`, count, each);
      if (DATA === 'random') {
        for (let i = 0; i < count; i++)
          images.push(
            await build(
              `${prefix}-${label}${i}:1.0`,
              `FROM ${base}\nCOPY meta /meta\nRUN head -c ${each * MB} /dev/urandom > /data\n`,
              true,
            ),
          );
      }
      const h = await tempHome();
      homes.push(h.cleanup);
      await installAll(h.home, images);
      const file = join(dir, `${label}.dam`);
      const ex = await timed(process.execPath, [DAM_BIN, '--home', h.home, 'export', '--all', file]);
      const drainStart = performance.now();
      await pipeline(await engine.save(images), new Writable({ write: (_c, _e, cb) => cb() }));
      const drain = (performance.now() - drainStart) / 1000;
      console.log(
        `  export of ${images.length} apps (${mb} MB of layers): ${fmt(await size(file))} in ${ex.seconds}s, peak RSS ${(ex.rssKb / 1024).toFixed(0)} MB; one plain read of docker save (the measuring pass's floor) ${drain.toFixed(1)}s`,
      );
      results.push({ name: `export peak RSS MB (${mb} MB)`, value: ex.rssKb / 1024, limit: 200 });
      // The real command, end to end: plan, verify while loading, every app's install script, the commit.
      const importRun = async () => {
        const h2 = await tempHome();
        try {
          return await timed(process.execPath, [DAM_BIN, '--home', h2.home, 'import', file, '--yes'], second!.env);
        } finally {
          await h2.cleanup();
        }
      };
      const times: Record<string, number[]> = { docker: [], import: [] };
      let floorFile: string | undefined;
      if (compare) {
        floorFile = join(dir, `${label}-save.tar.gz`);
        await pipeline(await engine.save(images), createGzip({ level: GZIP_LEVEL }), createWriteStream(floorFile));
      }
      let rss = 0;
      for (let r = 0; r < runs; r++) {
        if (floorFile) {
          await clear(second!.engine);
          times.docker!.push((await timed('docker', ['load', '-q', '-i', floorFile], second!.env)).seconds);
        }
        await clear(second!.engine);
        const v = await importRun();
        times.import!.push(v.seconds);
        rss = Math.max(rss, v.rssKb);
      }
      await clear(second!.engine);
      console.log(`  dam import peak RSS ${(rss / 1024).toFixed(0)} MB`);
      results.push({ name: `import peak RSS MB (${mb} MB)`, value: rss / 1024, limit: 200 });
      if (compare) {
        const floor = median(times.docker!);
        ratio(
          'dam import --yes / docker load',
          median(times.import!),
          floor,
          1.2,
          `${median(times.import!).toFixed(2)}s vs ${floor.toFixed(2)}s, median of ${runs}`,
        );
      }
      for (const t of images) await engine.removeImage(t, { force: true }).catch(() => undefined);
      await rm(file, { force: true });
      if (floorFile) await rm(floorFile, { force: true });
    };
    console.log(
      `import: a ~500 MB product into an empty second engine (${DATA === 'random' ? 'random data, which no compressor shrinks' : 'real host files, as apps carry'})`,
    );
    await importCase('load', 500, RUNS, true);
    if (BIG_MB > 0) {
      console.log(`memory: a ${BIG_MB} MB bundle`);
      await importCase('big', BIG_MB, 1, false);
    }
    console.log('memory:');
    for (const r of results.filter((x) => x.name.includes('RSS')))
      console.log(
        `  ${r.name.padEnd(44)} ${r.value.toFixed(0)} MB (limit ${r.limit})  ${r.value < r.limit ? 'ok' : 'OVER'}`,
      );
    process.exitCode = results.every((r) => r.value <= r.limit) ? 0 : 1;
  } finally {
    await second?.stop();
    for (const t of made.reverse()) await engine.removeImage(t, { force: true }).catch(() => undefined);
    for (const c of homes) await c();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
