// `npm run release [-- --out DIR] [--only linux-x64,...]`: DAM as one executable per platform (a Node.js 24 single executable
// application: the Node binary from the npm registry with DAM's bundled code injected by postject), a .deb
// per Linux architecture, and SHA256SUMS. Offline once release/cache/ holds the packages (see release-node.mjs).
// The build host must be linux-x64: the blob is made by the x64 Node of the same version as the targets.
// The code is two bundles (release-bundle.mjs, docs/decisions/0022-split-release-bundle.md): the main script,
// whose start-up snapshot holds only what --version, --help and list need, and the later bundle with the
// other commands, a SEA asset with a V8 code cache made by each Linux target's own executable.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';
import { TARGETS, nodeBinary, npmPackage, releaseConfig } from './release-node.mjs';
import { buildDeb } from '../packaging/deb.mjs';
import { LATER, LATER_CACHE, bundleRelease } from './release-bundle.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const outArg = process.argv.indexOf('--out');
const OUT = resolve(outArg > 0 ? process.argv[outArg + 1] : join(ROOT, 'release'));
const onlyArg = process.argv.indexOf('--only');
/** A subset of the targets (a quicker build while developing); the .debs need all Linux targets built. */
const ONLY = onlyArg > 0 ? process.argv[onlyArg + 1].split(',') : undefined;
const CACHE = process.env.DAM_RELEASE_CACHE ?? join(ROOT, 'release', 'cache');
const WORK = join(OUT, 'build');
/**
 * How the Linux executables start: `snapshot` (default: a V8 start-up snapshot, made by each target's own
 * Node, arm64's under qemu-aarch64-static), `code-cache` (x64 only; arm64 then gets none) or `none`.
 * The Windows executable has neither: no Windows Node runs here to make them.
 */
const STARTUP = process.env.DAM_RELEASE_STARTUP ?? 'snapshot';
const QEMU = ['qemu-aarch64-static', '-L', '/usr/aarch64-linux-gnu'];
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const log = (m) => process.stderr.write(`release: ${m}\n`);

/**
 * The SEA blob of `code` (the main bundle, with the later one and `laterCache`, its V8 code cache or an empty
 * file, as assets) made by `run` (a Node of the release's version, as a command line); with the V8 code cache or a
 * start-up snapshot of the main bundle, both only valid for the platform of the Node that made them, or neither.
 */
function seaBlob(run, code, name, { codeCache = false, snapshot = false, laterCache = undefined } = {}) {
  const config = join(WORK, `${name}.json`);
  const output = join(WORK, `${name}.blob`);
  const noCache = join(WORK, 'no-later-cache');
  writeFileSync(noCache, '');
  writeFileSync(
    config,
    JSON.stringify({
      main: code.main,
      output,
      assets: { [LATER]: code.later, [LATER_CACHE]: laterCache ?? noCache },
      disableExperimentalSEAWarning: true,
      useCodeCache: codeCache,
      useSnapshot: snapshot,
    }),
  );
  // A fixed seed makes the snapshot's read-only heap, whose checksum a code cache must match, the same in both
  // blobs of a target (laterCachedBlob); the executable seeds its own at each start.
  const seed = snapshot ? ['--random-seed=1'] : [];
  // Node warns that it has not verified every module it loads in a snapshot; main's top level only loads them.
  execFileSync(run[0], [...run.slice(1), ...seed, '--no-warnings', '--experimental-sea-config', config], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return readFileSync(output);
}

/**
 * Runs a command of the later bundle on `exe` (under `prefix`, e.g. qemu) with the loader's build hook
 * (scripts/release-later.cjs): it writes the later bundle's code cache to `out`, and fails if V8 rejected the one
 * the executable carries.
 */
function runLaterCacheHook(prefix, exe, out) {
  const home = join(WORK, 'cache-home');
  rmSync(home, { recursive: true, force: true });
  const [file, ...args] = [...prefix, exe, '--home', home, 'listrepos'];
  execFileSync(file, args, {
    env: { ...process.env, DAM_RELEASE_LATER_CACHE: out },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/**
 * The blob of a Linux target with a V8 code cache of the later bundle. V8 only accepts a code cache made from the
 * same snapshot, so the target's executable is built once without it, runs a command of the later bundle to
 * write it, and the blob is made again with it (compiling the later bundle without a cache costs about 13 ms).
 */
async function laterCachedBlob(target, run, prefix, code, options, postject) {
  const first = join(WORK, `${target.platform}.first`);
  await executable(target, run.at(-1), seaBlob(run, code, target.platform, options), first, postject);
  const laterCache = join(WORK, `${target.platform}.later-cache`);
  runLaterCacheHook(prefix, first, laterCache);
  return { blob: seaBlob(run, code, target.platform, { ...options, laterCache }), prefix };
}

/** The blob for each target, by how it starts (STARTUP), and the prefix that runs it when it has a later cache. */
async function blobs(targets, code, cfg, postject) {
  const portable = { blob: seaBlob([nodeBinary(CACHE, TARGETS[0], cfg.node)], code, 'portable') };
  const made = async (target) => {
    if (STARTUP === 'none' || target.platform === 'win-x64') return portable;
    const node = nodeBinary(CACHE, target, cfg.node);
    if (target.platform === 'linux-x64') {
      const options = STARTUP === 'snapshot' ? { snapshot: true } : { codeCache: true };
      return laterCachedBlob(target, [node], [], code, options, postject);
    }
    if (STARTUP !== 'snapshot') return portable;
    return laterCachedBlob(target, [...QEMU, node], QEMU, code, { snapshot: true }, postject);
  };
  const byPlatform = new Map();
  for (const t of targets) byPlatform.set(t.platform, await made(t));
  return byPlatform;
}

/** The executable for one target: its Node binary (Linux: stripped of debug symbols) with the blob injected. */
async function executable(target, node, blob, file, postject) {
  const partial = `${file}.partial`;
  copyFileSync(node, partial);
  chmodSync(partial, 0o755);
  // Before the injection: strip would drop the note postject adds.
  if (target.strip) execFileSync(target.strip, [partial]);
  await postject.inject(partial, 'NODE_SEA_BLOB', blob, { sentinelFuse: FUSE, overwrite: false });
  renameSync(partial, file);
}

function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

async function main() {
  if (!['snapshot', 'code-cache', 'none'].includes(STARTUP))
    throw new Error(`DAM_RELEASE_STARTUP must be snapshot, code-cache or none, not '${STARTUP}'`);
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error('the release is built on linux-x64 (it runs the x64 Node binary to make the blob)');
  const cfg = releaseConfig(ROOT);
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const code = await bundleRelease({ root: ROOT, entry: join(ROOT, 'src/main.ts'), dir: WORK, version: cfg.version });
  const postject = createRequire(import.meta.url)(join(npmPackage(CACHE, 'postject', cfg.postject), 'dist/api.js'));
  const files = [];
  const targets = TARGETS.filter((t) => !ONLY || ONLY.includes(t.platform));
  log(`the blobs (start-up: ${STARTUP})`);
  const blob = await blobs(targets, code, cfg, postject);
  for (const target of targets) {
    const file = join(OUT, `dam-${cfg.version}-${target.platform}${target.suffix}`);
    log(`${basename(file)} (Node ${cfg.node})`);
    const { blob: made, prefix } = blob.get(target.platform);
    await executable(target, nodeBinary(CACHE, target, cfg.node), made, file, postject);
    // The cache it carries must be accepted (the hook fails otherwise); what it writes is not used.
    if (prefix) runLaterCacheHook(prefix, file, join(WORK, 'later-cache-check'));
    files.push(file);
  }
  const host = files[0];
  for (const target of ONLY ? [] : TARGETS.filter((t) => t.deb)) {
    const exe = files[TARGETS.indexOf(target)];
    files.push(
      await buildDeb({
        root: ROOT,
        work: WORK,
        out: OUT,
        version: cfg.version,
        arch: target.deb,
        executable: exe,
        host,
      }),
    );
  }
  writeFileSync(join(OUT, 'SHA256SUMS'), files.map((f) => `${sha256(f)}  ${basename(f)}\n`).join(''));
  rmSync(WORK, { recursive: true, force: true });
  for (const f of [...files, join(OUT, 'SHA256SUMS')]) log(`wrote ${f}`);
}

main().catch((err) => {
  process.stderr.write(`release: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
