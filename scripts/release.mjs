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

const ROOT = resolve(import.meta.dirname, '..');
const outArg = process.argv.indexOf('--out');
const OUT = resolve(outArg > 0 ? process.argv[outArg + 1] : join(ROOT, 'release'));
const onlyArg = process.argv.indexOf('--only');
/** A subset of the targets (a quicker build while developing); the .debs need all Linux targets built. */
const ONLY = onlyArg > 0 ? process.argv[onlyArg + 1].split(',') : undefined;
const CACHE = process.env.DAM_RELEASE_CACHE ?? join(ROOT, 'release', 'cache');
const WORK = join(OUT, 'build');
/** Set to 0 to build without the V8 code cache (to measure what it saves). */
const CODE_CACHE = process.env.DAM_RELEASE_CODE_CACHE !== '0';
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
    define: { DAM_VERSION: JSON.stringify(version) },
    // Whitespace and syntax only: names stay, so a stack trace in a bug report still reads.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
  });
}

/** The SEA blob of `main`, made by `node` (the x64 Node of the release's version); with the V8 code cache or not. */
function seaBlob(node, main, name, codeCache) {
  const config = join(WORK, `${name}.json`);
  const output = join(WORK, `${name}.blob`);
  writeFileSync(config, JSON.stringify({ main, output, disableExperimentalSEAWarning: true, useCodeCache: codeCache, useSnapshot: false }));
  execFileSync(node, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  return readFileSync(output);
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
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error('the release is built on linux-x64 (it runs the x64 Node binary to make the blob)');
  const cfg = releaseConfig(ROOT);
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const main = join(WORK, 'dam.cjs');
  await bundle(join(ROOT, 'src/main.ts'), main, cfg.version);
  const hostNode = nodeBinary(CACHE, TARGETS[0], cfg.node);
  const postject = createRequire(import.meta.url)(join(npmPackage(CACHE, 'postject', cfg.postject), 'dist/api.js'));
  // V8's code cache is only valid for the platform that made it: the x64 executable alone gets one.
  const portable = seaBlob(hostNode, main, 'portable', false);
  const cached = CODE_CACHE ? seaBlob(hostNode, main, 'code-cache', true) : portable;
  const files = [];
  const targets = TARGETS.filter((t) => !ONLY || ONLY.includes(t.platform));
  for (const target of targets) {
    const file = join(OUT, `dam-${cfg.version}-${target.platform}${target.suffix}`);
    log(`${basename(file)} (Node ${cfg.node})`);
    await executable(target, nodeBinary(CACHE, target, cfg.node), target.platform === 'linux-x64' ? cached : portable, file, postject);
    files.push(file);
  }
  const host = files[0];
  for (const target of ONLY ? [] : TARGETS.filter((t) => t.deb)) {
    const exe = files[TARGETS.indexOf(target)];
    files.push(await buildDeb({ root: ROOT, work: WORK, out: OUT, version: cfg.version, arch: target.deb, executable: exe, host }));
  }
  writeFileSync(join(OUT, 'SHA256SUMS'), files.map((f) => `${sha256(f)}  ${basename(f)}\n`).join(''));
  rmSync(WORK, { recursive: true, force: true });
  for (const f of [...files, join(OUT, 'SHA256SUMS')]) log(`wrote ${f}`);
}

main().catch((err) => {
  process.stderr.write(`release: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
