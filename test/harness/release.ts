// The release (`node scripts/release.mjs`), built once per set of inputs into .test-work/release-<key>/ and
// reused by every test file and run until a source, script or packaging file changes. A lock folder keeps
// two test files from building it at once.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './dam.js';

const run = promisify(execFile);

export interface Release {
  dir: string;
  version: string;
  node: string;
  linuxX64: string;
  linuxArm64: string;
  winX64: string;
  debAmd64: string;
  debArm64: string;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(join(ROOT, dir), { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && !e.name.endsWith('.test.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

/** A digest of everything the release is made from. */
async function inputsKey(): Promise<string> {
  const scripts = (await readdir(join(ROOT, 'scripts')))
    .filter((f) => f.startsWith('release'))
    .map((f) => `scripts/${f}`);
  const files = [
    ...(await filesUnder('src')),
    ...(await filesUnder('packaging')),
    ...scripts,
    'package.json',
    'package-lock.json',
    'LICENSE',
    'CHANGELOG.md',
  ].sort();
  const hash = createHash('sha256');
  for (const f of files)
    hash
      .update(`${f}\0`)
      .update(await readFile(join(ROOT, f)))
      .update('\0');
  return hash.digest('hex').slice(0, 16);
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

async function withLock<T>(lock: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      if (Date.now() > deadline)
        throw new Error(`the release lock ${lock} was held for 30 minutes; remove it if no test runs`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/**
 * The release for the current inputs, building it (several minutes) when it is not there yet;
 * DAM_TEST_RELEASE_DIR names an existing release to test instead (e.g. one made by npm run release).
 */
export async function releaseBuild(): Promise<Release> {
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
    version: string;
    release: { node: string };
  };
  const given = process.env.DAM_TEST_RELEASE_DIR;
  const dir = given ?? join(ROOT, '.test-work', `release-${await inputsKey()}`);
  await mkdir(join(ROOT, '.test-work'), { recursive: true });
  if (!given)
    await withLock(`${dir}.lock`, async () => {
      if (await exists(join(dir, 'SHA256SUMS'))) return;
      process.stderr.write(`test: building the release into ${dir} (once for these inputs)\n`);
      await rm(dir, { recursive: true, force: true });
      await run(process.execPath, [join(ROOT, 'scripts/release.mjs'), '--out', dir], {
        cwd: ROOT,
        maxBuffer: 64 * 1024 * 1024,
      });
    });
  const v = pkg.version;
  const deb = v.replace('-', '~');
  return {
    dir,
    version: v,
    node: pkg.release.node,
    linuxX64: join(dir, `dam-${v}-linux-x64`),
    linuxArm64: join(dir, `dam-${v}-linux-arm64`),
    winX64: join(dir, `dam-${v}-win-x64.exe`),
    debAmd64: join(dir, `dam_${deb}_amd64.deb`),
    debArm64: join(dir, `dam_${deb}_arm64.deb`),
  };
}

/** A folder of links to every program on the machine's PATH except Node.js and npm: a host with no Node. */
export async function pathWithoutNode(): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'damtest-nonode-'));
  const skip = new Set(['node', 'nodejs', 'npm', 'npx', 'corepack']);
  for (const folder of (process.env.PATH ?? '/usr/bin:/bin').split(':').reverse()) {
    const names = await readdir(folder).catch(() => [] as string[]);
    for (const name of names) {
      if (skip.has(name)) continue;
      await rm(join(dir, name), { force: true });
      await symlink(join(folder, name), join(dir, name));
    }
  }
  return { path: dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program with exactly `env` (no inherited variables), as a shell on a bare host would. */
export function runBare(
  file: string,
  args: string[],
  env: Record<string, string>,
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, cwd: options.cwd ?? tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** qemu-aarch64-static with the arm64 loader and libraries of Debian's cross packages (no binfmt needed). */
export const QEMU = ['qemu-aarch64-static', '-L', '/usr/aarch64-linux-gnu'] as const;
