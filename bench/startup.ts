// Start-up cost of the CLI against Node's own start, measured side by side in one run (interleaved, so
// load on a shared machine hits all three alike). Target: `dam --version` and `dam list` with 100 installed
// apps each within 30 ms of `node -e 0`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initialState } from '../src/core/state.js';
import { serializeState } from '../src/core/state-format.js';

const ROOT = resolve(import.meta.dirname, '..');
const DAM = join(ROOT, 'bin', 'dam');
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const LIMIT_MS = 30;

const home = mkdtempSync(join(tmpdir(), 'dam-bench-'));
const state = initialState();
for (let i = 0; i < 100; i++) {
  state.apps.push({ id: i, name: `app${i}`, version: `1.${i}.0`, tag: `app${i}:1.${i}.0`, imageId: `sha256:${'ab'.repeat(32)}`, repoId: 1, family: `app${i}`, multiversion: false, installedAt: new Date().toISOString() });
}
state.nextAppId = 100;
writeFileSync(join(home, 'state.json'), serializeState(state), { mode: 0o600 });

const cases: Record<string, string[]> = {
  'node -e 0': ['-e', '0'],
  'dam --version': [DAM, '--version'],
  'dam list (100 apps)': [DAM, '--home', home, 'list'],
};
const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));

function once(args: string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr.toString()}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

for (const args of Object.values(cases)) once(args);
for (let i = 0; i < RUNS; i++) for (const [name, args] of Object.entries(cases)) times[name]?.push(once(args));
rmSync(home, { recursive: true, force: true });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const base = median(times['node -e 0'] ?? []);
let ok = true;
console.log(`startup, median of ${RUNS} interleaved runs`);
for (const [name, xs] of Object.entries(times)) {
  const m = median(xs);
  const over = m - base;
  const verdict = name === 'node -e 0' ? 'baseline' : over <= LIMIT_MS ? `ok (<= +${LIMIT_MS} ms)` : `OVER (+${LIMIT_MS} ms allowed)`;
  if (name !== 'node -e 0' && over > LIMIT_MS) ok = false;
  console.log(`  ${name.padEnd(22)} ${m.toFixed(1).padStart(7)} ms  +${over.toFixed(1).padStart(5)} ms  x${(m / base).toFixed(2)}  ${verdict}`);
}
process.exitCode = ok ? 0 : 1;
