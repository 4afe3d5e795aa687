// Installing a ~200 MB app from a .dam file against the engine's own floor, interleaved in one run:
// `gunzip -c FILE | docker load` plus running the same install script. Targets: time ratio <= 1.15x,
// peak RSS of dam < 150 MB.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hostFileList, median, mb, PEAK, peakRssMb, timed, runBench } from './lib.js';

const ROOT = resolve(import.meta.dirname, '..');
const DAM = join(ROOT, 'bin', 'dam');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BYTES = Number(process.env.BENCH_IMAGE_MB ?? 200) * 1e6;
const name = `dam-bench-install-${Math.random().toString(16).slice(2, 10)}`;
const IMAGE = `${name}:1.0`;
const work = mkdtempSync(join(tmpdir(), 'dam-bench-install-'));

function writeMeta(): void {
  const meta = join(work, 'app', 'meta');
  mkdirSync(meta, { recursive: true });
  for (const script of ['install', 'uninstall']) writeFileSync(join(meta, script), `#!/bin/sh\necho "${script} $DAM_APP_NAME" > /dev/null\n`, { mode: 0o755 });
}

async function main(): Promise<void> {
  writeMeta();
  const list = await hostFileList(work, BYTES);
  const changes = ['LABEL dam.test=bench', `LABEL DAM_APP_FAMILY=${name}`, 'LABEL DAM_APP_MULTIVERSION=false', 'LABEL DAM_APP_SERVERS=,'].flatMap((c) => ['--change', c]);
  execFileSync('bash', ['-c', `tar -cf - -C / -T '${list}' -C '${join(work, 'app')}' meta 2>/dev/null | docker import ${changes.map((c) => `'${c}'`).join(' ')} - '${IMAGE}'`], { stdio: ['ignore', 'ignore', 'inherit'] });
  const saveHome = join(work, 'save-home');
  execFileSync(process.execPath, [DAM, '--home', saveHome, 'save', IMAGE, '-o', join(work, 'app.dam')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const file = join(work, 'app.dam');
  const size = Number(execFileSync('stat', ['-c', '%s', file], { encoding: 'utf8' }));
  console.log(`install from a .dam vs gunzip -c | docker load + script, ${RUNS} interleaved runs, archive ${mb(size)} MB`);

  const rmi = () => spawnSync('docker', ['rmi', '-f', IMAGE], { stdio: 'ignore' });
  const base: number[] = [];
  const dam: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    rmi();
    base.push(timed('bash', ['-c', `set -o pipefail; gunzip -c '${file}' | docker load -q >/dev/null && cd '${join(work, 'app', 'meta')}' && DAM_APP_NAME=${name} ./install`]).ms);
    rmi();
    const home = join(work, `home-${i}`);
    const r = timed(process.execPath, ['--import', PEAK, DAM, '--home', home, 'install', file], { ...process.env, NO_COLOR: '1' });
    dam.push(r.ms);
    rss.push(peakRssMb(r.stderr));
    execFileSync(process.execPath, [DAM, '--home', home, 'remove', name], { stdio: 'ignore' });
  }
  const ratio = median(dam) / median(base);
  const peak = Math.max(...rss);
  console.log(`  gunzip | docker load + script  ${median(base).toFixed(0).padStart(6)} ms  baseline`);
  console.log(`  dam install FILE.dam           ${median(dam).toFixed(0).padStart(6)} ms  x${ratio.toFixed(2)} ${ratio <= 1.15 ? 'ok (<= 1.15x)' : 'OVER (1.15x)'}`);
  console.log(`  dam peak RSS                   ${peak.toFixed(0).padStart(6)} MB  ${peak < 150 ? 'ok (< 150 MB)' : 'OVER (150 MB)'}`);
  process.exitCode = ratio <= 1.15 && peak < 150 ? 0 : 1;
}

await runBench(main, IMAGE, work);
