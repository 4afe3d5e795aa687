// Shared by the benchmarks: real host files as image content, timing of child processes, peak RSS.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** A list (for `tar -T`) of real host files of about `bytes` in all, so compression behaves as on an app. */
export async function hostFileList(work: string, bytes: number): Promise<string> {
  const files: string[] = [];
  let total = 0;
  const inodes = new Set<number>();
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (total >= bytes) return;
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) {
        // Hard links (mesa's drivers are one file under many names) are stored once by tar: count once.
        const s = await stat(p);
        if (inodes.has(s.ino)) continue;
        inodes.add(s.ino);
        total += s.size;
        files.push(p.slice(1));
      }
    }
  };
  for (const d of ['/usr/lib/x86_64-linux-gnu', '/usr/bin', '/usr/share']) await walk(d);
  const list = join(work, 'files.txt');
  writeFileSync(list, `${files.join('\n')}\n`);
  return list;
}

export function timed(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { ms: number; stderr: string } {
  const start = process.hrtime.bigint();
  const r = spawnSync(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr.toString()}`);
  return { ms, stderr: r.stderr.toString() };
}

/**
 * The environment of a timed DAM: this one without NODE_EXTRA_CA_CERTS. This machine sets it, and Node 20 (not
 * Node 24, which reads it when a TLS connection first needs it) parses the whole certificate bundle it names at
 * every start: 60 ms that a site host pays only if it sets the variable, and that `docker` never pays.
 */
export function damEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

/** A Node --import preload that prints the process's peak RSS at exit, read back with peakRssMb. */
export const PEAK = `data:text/javascript,${encodeURIComponent("import fs from 'node:fs'; process.on('exit', () => fs.writeSync(2, 'MAXRSS_KB=' + process.resourceUsage().maxRSS + '\\n'));")}`;

export function peakRssMb(stderr: string): number {
  return Number(/MAXRSS_KB=(\d+)/.exec(stderr)?.[1] ?? NaN) / 1024;
}

/** CPU seconds of a process and of its children it waited for (Linux /proc; NaN elsewhere): `self` for this one. */
export function cpuSeconds(pid: number | 'self'): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /s, '')
      .split(' ');
    // utime, stime, cutime, cstime: fields 14 to 17, counted after the command name (field 2) as 12 to 15.
    return fields.slice(11, 15).reduce((sum, f) => sum + Number(f), 0) / 100;
  } catch {
    return NaN;
  }
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
export const mb = (n: number) => (n / 1e6).toFixed(1);

/** Runs a benchmark, then removes its image and work folder whatever happened. */
export async function runBench(main: () => Promise<void>, image: string, work: string): Promise<void> {
  try {
    await main();
  } finally {
    spawnSync('docker', ['rmi', '-f', image], { stdio: 'ignore' });
    for (const f of readdirSync(work)) rmSync(join(work, f), { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
}
