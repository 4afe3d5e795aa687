// A self-contained product against its bundle, side by side in one run: `./product.run import --yes` within
// 1.05x of `dam import product.bundle --yes` for the same product, into an empty second engine (images
// removed between runs). `dam` is the same single executable (release/dam-<version>-linux-x64, or BENCH_EXE),
// so the ratio is the cost of reading the bundle behind the executable; bin/dam on Node is shown too.
// Run: node --import tsx bench/self-contained.ts   (BENCH_RUNS=3, BENCH_MB=200: the app's random payload)
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dam, DAM_BIN, tempHome, uniqueName } from '../test/harness/dam.js';
import { buildTestApp, removeTestImages } from '../test/harness/apps.js';
import { startSecondEngine } from '../test/harness/second-engine.js';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const MB = Number(process.env.BENCH_MB ?? 200);
const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const EXE = process.env.BENCH_EXE ?? join(ROOT, 'release', `dam-${version}-linux-x64`);
if (!existsSync(EXE)) throw new Error(`no single executable at ${EXE}: run npm run release first`);

const app = uniqueName('bench-run');
const dir = await mkdtemp(join(tmpdir(), 'dam-bench-run-'));
const source = await tempHome();
const second = await startSecondEngine();
// The test app's scripts append a line here.
process.env.DAMTEST_LOG = join(dir, 'scripts.log');

function timed(file: string, args: string[], home: string): Promise<number> {
  const start = process.hrtime.bigint();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, args, {
      env: { ...process.env, ...second.env, DAM_HOME: home, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolvePromise(Number(process.hrtime.bigint() - start) / 1e9)
        : reject(new Error(`${file} ${args.join(' ')}: ${stderr}`)),
    );
  });
}

try {
  await buildTestApp({ name: app, version: '1.0', padBytes: MB * 1024 * 1024 });
  const ok = async (args: string[]) => {
    const r = await dam(args, { home: source.home, timeoutMs: 900_000 });
    if (r.code !== 0) throw new Error(`dam ${args.join(' ')}: ${r.stderr}`);
  };
  await ok(['install', `${app}:1.0`, '--offline']);
  const bundle = join(dir, 'product.bundle');
  const product = join(dir, 'product.run');
  await ok(['export', '--all', bundle]);
  await ok(['export', '--all', '--self-contained', '--dam-binary', EXE, product]);
  const cases: Record<string, [string, string[]]> = {
    'exe import product.bundle': [EXE, ['import', bundle, '--yes']],
    './product.run import': [product, ['import', '--yes']],
    'bin/dam import product.bundle': [process.execPath, [DAM_BIN, 'import', bundle, '--yes']],
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const [name, [file, args]] of Object.entries(cases)) {
      for (const img of await second.engine.listImages()) await second.engine.removeImage(img.id, { force: true });
      const home = await mkdtemp(join(dir, 'home-'));
      times[name]!.push(await timed(file, args, home));
      await rm(home, { recursive: true, force: true });
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const base = median(times['exe import product.bundle']!);
  console.log(
    `self-contained import, median of ${RUNS} interleaved runs; bundle ${((await stat(bundle)).size / 1e6).toFixed(1)} MB, product.run ${((await stat(product)).size / 1e6).toFixed(1)} MB`,
  );
  for (const [name, xs] of Object.entries(times))
    console.log(`  ${name.padEnd(32)} ${median(xs).toFixed(2).padStart(7)} s  x${(median(xs) / base).toFixed(3)}`);
  const ratio = median(times['./product.run import']!) / base;
  console.log(
    `  ./product.run import over the bundle import: x${ratio.toFixed(3)} ${ratio <= 1.05 ? 'ok (<= 1.05)' : 'OVER (1.05 allowed)'}`,
  );
  process.exitCode = ratio <= 1.05 ? 0 : 1;
} finally {
  await second.stop();
  await removeTestImages([app]);
  await source.cleanup();
  await rm(dir, { recursive: true, force: true });
}
