// Installing a ~200 MB app from a .dam file against the engine's own floor, interleaved in one run:
// `gunzip -c FILE | docker load` plus running the same install script. Targets: time ratio <= 0.9x,
// the same .dam signed on a host that trusts the key <= 1.0x with one read of the file, peak RSS of
// dam < 150 MB.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { damEnv, hostFileList, median, mb, PEAK, peakRssMb, timed, runBench } from './lib.js';

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
  for (const script of ['install', 'uninstall'])
    writeFileSync(join(meta, script), `#!/bin/sh\necho "${script} $DAM_APP_NAME" > /dev/null\n`, { mode: 0o755 });
}

async function main(): Promise<void> {
  writeMeta();
  const list = await hostFileList(work, BYTES);
  const changes = [
    'LABEL dam.test=bench',
    `LABEL DAM_APP_FAMILY=${name}`,
    'LABEL DAM_APP_MULTIVERSION=false',
    'LABEL DAM_APP_SERVERS=,',
  ].flatMap((c) => ['--change', c]);
  execFileSync(
    'bash',
    [
      '-c',
      `tar -cf - -C / -T '${list}' -C '${join(work, 'app')}' meta 2>/dev/null | docker import ${changes.map((c) => `'${c}'`).join(' ')} - '${IMAGE}'`,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const saveHome = join(work, 'save-home');
  execFileSync(process.execPath, [DAM, '--home', saveHome, 'save', IMAGE, '-o', join(work, 'app.dam')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const file = join(work, 'app.dam');
  const size = Number(execFileSync('stat', ['-c', '%s', file], { encoding: 'utf8' }));
  console.log(
    `install from a .dam vs gunzip -c | docker load + script, ${RUNS} interleaved runs, archive ${mb(size)} MB`,
  );

  const rmi = () => spawnSync('docker', ['rmi', '-f', IMAGE], { stdio: 'ignore' });
  const signedHome = trustingHost(file);
  const base: number[] = [];
  const dam: number[] = [];
  const signed: number[] = [];
  const rss: number[] = [];
  const install = (home: string) => {
    const r = timed(process.execPath, ['--import', PEAK, DAM, '--home', home, 'install', file], damEnv());
    if (!/was installed/.test(r.stderr)) throw new Error(`dam install failed: ${r.stderr}`);
    execFileSync(process.execPath, [DAM, '--home', home, 'remove', name], { stdio: 'ignore' });
    return r;
  };
  for (let i = 0; i < RUNS; i++) {
    rmi();
    base.push(
      timed('bash', [
        '-c',
        `set -o pipefail; gunzip -c '${file}' | docker load -q >/dev/null && cd '${join(work, 'app', 'meta')}' && DAM_APP_NAME=${name} ./install`,
      ]).ms,
    );
    rmi();
    const r = install(join(work, `home-${i}`));
    dam.push(r.ms);
    rss.push(peakRssMb(r.stderr));
    rmi();
    signed.push(install(signedHome).ms);
  }
  rmi();
  const reads = await opensDuring(file, () => install(signedHome));
  const ratio = median(dam) / median(base);
  const signedRatio = median(signed) / median(base);
  const peak = Math.max(...rss);
  console.log(`  gunzip | docker load + script  ${median(base).toFixed(0).padStart(6)} ms  baseline`);
  console.log(
    `  dam install FILE.dam           ${median(dam).toFixed(0).padStart(6)} ms  x${ratio.toFixed(2)} ${ratio <= 0.9 ? 'ok (<= 0.9x)' : 'OVER (0.9x)'}`,
  );
  console.log(
    `  the same, signed and trusted   ${median(signed).toFixed(0).padStart(6)} ms  x${signedRatio.toFixed(2)} ${signedRatio <= 1.0 ? 'ok (<= 1.0x)' : 'OVER (1.0x)'}, opens of the file: ${reads} ${reads === 1 ? 'ok (one read)' : 'OVER (1)'}`,
  );
  console.log(
    `  dam peak RSS                   ${peak.toFixed(0).padStart(6)} MB  ${peak < 150 ? 'ok (< 150 MB)' : 'OVER (150 MB)'}`,
  );
  process.exitCode = ratio <= 0.9 && signedRatio <= 1.0 && reads === 1 && peak < 150 ? 0 : 1;
}

/** A DAM home that trusts a fresh key, with `file` signed by it. */
function trustingHost(file: string): string {
  const signer = join(work, 'signer-home');
  const host = join(work, 'signed-host');
  const run = (home: string, args: string[]) =>
    execFileSync(process.execPath, [DAM, '--home', home, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
  run(signer, ['key', 'generate', 'bench']);
  writeFileSync(join(work, 'bench.pub'), run(signer, ['key', 'export-public', 'bench']));
  run(host, ['trust', 'add', join(work, 'bench.pub')]);
  run(signer, ['sign', 'bench', file]);
  return host;
}

/** How many times the file is opened and closed while `action` runs (inotify). */
async function opensDuring(file: string, action: () => void): Promise<number> {
  const watch = spawn('inotifywait', ['-m', '-e', 'close', '--format', '%e', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve) =>
    watch.stderr.on('data', (d: Buffer) => (d.toString().includes('Watches established') ? resolve() : undefined)),
  );
  let closes = 0;
  watch.stdout.on(
    'data',
    (d: Buffer) =>
      (closes += d
        .toString()
        .split('\n')
        .filter((l) => l.startsWith('CLOSE')).length),
  );
  action();
  await new Promise((resolve) => setTimeout(resolve, 200));
  watch.kill();
  return closes;
}

await runBench(main, IMAGE, work);
