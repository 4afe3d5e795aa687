// `dam save` of a ~200 MB image against `docker save IMAGE | gzip > FILE`, interleaved in one run, with dam's
// peak RSS. Targets: time ratio <= 1.0x, peak RSS < 150 MB. Also writeDam in-process at several gzip levels,
// to show the size/time trade-off behind DEFAULT_GZIP_LEVEL.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isDamError } from '../src/core/errors.js';
import { createDockerEngine } from '../src/adapters/docker/engine.js';
import { writeDam } from '../src/adapters/archive/write-dam.js';
import { extractMetaFromLayers, inspectArchive } from '../src/adapters/archive/read-archive.js';
import { hostFileList, median, mb, PEAK, timed, runBench } from './lib.js';

const ROOT = resolve(import.meta.dirname, '..');
const DAM = join(ROOT, 'bin', 'dam');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TARGET_BYTES = Number(process.env.BENCH_IMAGE_MB ?? 200) * 1e6;
const suffix = Math.random().toString(16).slice(2, 10);
const IMAGE = `dam-bench-save-${suffix}:1.0`;
const work = mkdtempSync(join(tmpdir(), 'dam-bench-save-'));
const home = join(work, 'home');

/** What an install from this file pays to verify it before loading, against merely decompressing it. */
async function verifyCost(path: string): Promise<void> {
  const gunzip = timed('bash', ['-c', `gunzip -c '${path}' > /dev/null`]).ms;
  let start = process.hrtime.bigint();
  await inspectArchive(path);
  const inspect = Number(process.hrtime.bigint() - start) / 1e6;
  start = process.hrtime.bigint();
  // The bench image has no /meta: the whole pass still runs (every layer is read as a tar) before NOT_FOUND.
  await extractMetaFromLayers(path, join(work, 'meta')).catch((err: unknown) => {
    if (!isDamError(err, 'NOT_FOUND')) throw err;
  });
  const withMeta = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(
    `verifying the .dam (CRC-32, gzip, tar, layer sha256): inspectArchive ${inspect.toFixed(0)} ms, with /meta ${withMeta.toFixed(0)} ms; gunzip -c alone ${gunzip.toFixed(0)} ms`,
  );
  rmSync(path);
}

async function main(): Promise<void> {
  const list = await hostFileList(work, TARGET_BYTES);
  execFileSync(
    'bash',
    ['-c', `tar -C / -cf - -T '${list}' 2>/dev/null | docker import --change 'LABEL dam.test=bench' - '${IMAGE}'`],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const image = JSON.parse(
    execFileSync('docker', ['image', 'inspect', IMAGE, '--format', '{{json .Size}}'], { encoding: 'utf8' }),
  ) as number;
  console.log(`dam save vs docker save | gzip, ${RUNS} interleaved runs, image ${mb(image)} MB`);

  const base = { ms: [] as number[], bytes: 0 };
  const dam = { ms: [] as number[], bytes: 0, rssKb: [] as number[] };
  const damEnv = { ...process.env, NO_COLOR: '1' };
  for (let i = 0; i < RUNS; i++) {
    const gz = join(work, 'docker.tar.gz');
    base.ms.push(timed('bash', ['-c', `set -o pipefail; docker save '${IMAGE}' | gzip > '${gz}'`]).ms);
    base.bytes = statSync(gz).size;
    rmSync(gz);
    const out = join(work, 'dam.dam');
    const r = timed(process.execPath, ['--import', PEAK, DAM, '--home', home, 'save', IMAGE, '-o', out], damEnv);
    dam.ms.push(r.ms);
    dam.rssKb.push(Number(/MAXRSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? NaN));
    dam.bytes = statSync(out).size;
    rmSync(out);
  }
  const ratio = median(dam.ms) / median(base.ms);
  const peak = Math.max(...dam.rssKb) / 1024;
  console.log(
    `  docker save | gzip -6   ${median(base.ms).toFixed(0).padStart(6)} ms  ${mb(base.bytes).padStart(6)} MB  baseline`,
  );
  console.log(
    `  dam save                ${median(dam.ms).toFixed(0).padStart(6)} ms  ${mb(dam.bytes).padStart(6)} MB  x${ratio.toFixed(2)} ${ratio <= 1.0 ? 'ok (<= 1.0x)' : 'OVER (1.0x)'}`,
  );
  console.log(
    `  dam peak RSS            ${peak.toFixed(0).padStart(6)} MB            ${peak < 150 ? 'ok (< 150 MB)' : 'OVER (150 MB)'}`,
  );

  console.log('writeDam in-process by gzip level (one run each):');
  const engine = createDockerEngine(process.env);
  for (const level of [1, 3, 6]) {
    const start = process.hrtime.bigint();
    const w = await writeDam(engine, IMAGE, {
      name: 'bench',
      version: String(level),
      tag: IMAGE,
      dir: work,
      gzipLevel: level,
    });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    console.log(
      `  level ${level}  ${ms.toFixed(0).padStart(6)} ms  ${mb(w.bytes).padStart(6)} MB  x${(ms / median(base.ms)).toFixed(2)} of baseline time, x${(w.bytes / base.bytes).toFixed(2)} of its size`,
    );
    if (level !== 6) rmSync(w.path);
    else await verifyCost(w.path);
  }
  process.exitCode = ratio <= 1.0 && peak < 150 ? 0 : 1;
}

await runBench(main, IMAGE, work);
