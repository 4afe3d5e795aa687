// `npm run release [-- --out DIR] [--only linux-x64,...]`: DAM as one executable per platform (a Node.js 24 single executable
// application: the Node binary from the npm registry with DAM's bundled code injected by postject), a .deb
// per Linux architecture, and SHA256SUMS. Offline once release/cache/ holds the packages (see release-node.mjs).
// The build host must be linux-x64: the blob is made by the x64 Node of the same version as the targets.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { TARGETS, nodeBinary, npmPackage, releaseConfig } from './release-node.mjs';
import { buildDeb } from '../packaging/deb.mjs';
import { lazyBuiltins, lazyRequires } from './lazy-builtins.mjs';

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

/** DAM as one CommonJS file: Node 24's single executable applications run a CommonJS main. */
async function bundle(entry, outfile, version) {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node24',
    // import.meta.url only serves createRequire of Node's own modules, which any absolute path resolves.
    define: { DAM_VERSION: JSON.stringify(version), 'import.meta.url': JSON.stringify('file:///dam.cjs') },
    // Whitespace and syntax only: names stay, so a stack trace in a bug report still reads.
    minifyWhitespace: true,
    minifySyntax: true,
    plugins: [lazyBuiltins],
    logLevel: 'warning',
  });
  writeFileSync(outfile, lazyRequires(readFileSync(outfile, 'utf8')));
}

/**
 * The SEA blob of `main` made by `run` (a Node of the release's version, as a command line); with the V8 code
 * cache or a start-up snapshot, both only valid for the platform of the Node that made them, or neither.
 */
function seaBlob(run, main, name, { codeCache = false, snapshot = false } = {}) {
  const config = join(WORK, `${name}.json`);
  const output = join(WORK, `${name}.blob`);
  writeFileSync(
    config,
    JSON.stringify({
      main,
      output,
      disableExperimentalSEAWarning: true,
      useCodeCache: codeCache,
      useSnapshot: snapshot,
    }),
  );
  // Node warns that it has not verified every module it loads in a snapshot; main's top level only loads them.
  execFileSync(run[0], [...run.slice(1), '--no-warnings', '--experimental-sea-config', config], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return readFileSync(output);
}

/** The blob for each target, by how it starts (STARTUP). */
function blobs(targets, main, cfg) {
  const portable = seaBlob([nodeBinary(CACHE, TARGETS[0], cfg.node)], main, 'portable');
  const made = (target) => {
    if (STARTUP === 'none' || target.platform === 'win-x64') return portable;
    const node = nodeBinary(CACHE, target, cfg.node);
    if (target.platform === 'linux-x64')
      return seaBlob([node], main, target.platform, STARTUP === 'snapshot' ? { snapshot: true } : { codeCache: true });
    return STARTUP === 'snapshot' ? seaBlob([...QEMU, node], main, target.platform, { snapshot: true }) : portable;
  };
  return new Map(targets.map((t) => [t.platform, made(t)]));
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
  const main = join(WORK, 'dam.cjs');
  await bundle(join(ROOT, 'src/main.ts'), main, cfg.version);
  const postject = createRequire(import.meta.url)(join(npmPackage(CACHE, 'postject', cfg.postject), 'dist/api.js'));
  const files = [];
  const targets = TARGETS.filter((t) => !ONLY || ONLY.includes(t.platform));
  log(`the blobs (start-up: ${STARTUP})`);
  const blob = blobs(targets, main, cfg);
  for (const target of targets) {
    const file = join(OUT, `dam-${cfg.version}-${target.platform}${target.suffix}`);
    log(`${basename(file)} (Node ${cfg.node})`);
    await executable(target, nodeBinary(CACHE, target, cfg.node), blob.get(target.platform), file, postject);
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
