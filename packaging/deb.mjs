// dam_<version>_<arch>.deb, built with dpkg-deb from a release executable: /usr/bin/dam, dam(1) made from
// the command specs, bash and zsh completion from `dam completion`, /var/lib/dam (0700), the engine only
// recommended. Each package is built in a fresh tree; files are owned by root (--root-owner-group).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';

/** Debian's form of the version: a pre-release sorts before the release (2.0.0~dev < 2.0.0). */
export function debianVersion(version) {
  return version.replace('-', '~');
}

function write(file, data, mode = 0o644) {
  mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
  writeFileSync(file, data);
  chmodSync(file, mode);
}

/** dam(1), rendered by packaging/manpage.ts bundled and run with this Node. */
async function manPage(root, work, version) {
  const script = join(work, 'manpage.cjs');
  await build({
    entryPoints: [join(root, 'packaging/manpage.ts')],
    outfile: script,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    define: { DAM_VERSION: JSON.stringify(version) },
  });
  return execFileSync(process.execPath, [script, version]);
}

function files(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

function control(pkg, arch, installedKiB) {
  return [
    'Package: dam',
    `Version: ${debianVersion(pkg.version)}`,
    `Architecture: ${arch}`,
    `Maintainer: ${pkg.release.maintainer}`,
    `Installed-Size: ${installedKiB}`,
    // The Node.js runtime inside the executable links these dynamically (glibc 2.28, GCC 5's libstdc++).
    'Depends: libc6 (>= 2.28), libgcc-s1 (>= 3.0), libstdc++6 (>= 5.2)',
    'Recommends: docker.io | docker-ce | podman',
    'Section: admin',
    'Priority: optional',
    `Homepage: ${pkg.homepage}`,
    'Description: Docker Application Manager: Docker images as applications',
    ' DAM installs, upgrades and removes applications packaged as Docker images,',
    ' and carries them to machines with no internet as one signed bundle file.',
    ' The package holds DAM as one executable with its own Node.js runtime.',
    '',
  ].join('\n');
}

function copyright(pkg) {
  return [
    'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/',
    'Upstream-Name: dam',
    `Source: ${pkg.homepage}`,
    '',
    'Files: *',
    `Copyright: ${pkg.release.copyright}`,
    'License: Apache-2.0',
    ' On Debian systems, the full text of the Apache License 2.0 is in',
    ' /usr/share/common-licenses/Apache-2.0.',
    '',
  ].join('\n');
}

function changelog(pkg, arch) {
  const date = new Date(Number(process.env.SOURCE_DATE_EPOCH ?? 0) * 1000 || Date.now())
    .toUTCString()
    .replace('GMT', '+0000');
  return `dam (${debianVersion(pkg.version)}) unstable; urgency=medium\n\n  * Release ${pkg.version} for ${arch}; see /usr/share/doc/dam/CHANGELOG.md.gz.\n\n -- ${pkg.release.maintainer}  ${date}\n`;
}

/** Builds the package for `arch` from `executable`; `host` is an executable this machine runs (for completion). */
export async function buildDeb({ root, work, out, version, arch, executable, host }) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const tree = join(work, `deb-${arch}`);
  rmSync(tree, { recursive: true, force: true });
  const doc = join(tree, 'usr/share/doc/dam');
  mkdirSync(join(tree, 'usr/bin'), { recursive: true, mode: 0o755 });
  copyFileSync(executable, join(tree, 'usr/bin/dam'));
  chmodSync(join(tree, 'usr/bin/dam'), 0o755);
  write(join(tree, 'usr/share/man/man1/dam.1.gz'), gzipSync(await manPage(root, work, version), { level: 9 }));
  write(join(tree, 'usr/share/bash-completion/completions/dam'), execFileSync(host, ['completion', 'bash']));
  write(join(tree, 'usr/share/zsh/vendor-completions/_dam'), execFileSync(host, ['completion', 'zsh']));
  write(join(doc, 'copyright'), copyright(pkg));
  write(join(doc, 'changelog.gz'), gzipSync(changelog(pkg, arch), { level: 9 }));
  write(join(doc, 'CHANGELOG.md.gz'), gzipSync(readFileSync(join(root, 'CHANGELOG.md')), { level: 9 }));
  write(join(tree, 'usr/share/lintian/overrides/dam'), readFileSync(join(root, 'packaging/lintian-overrides')));
  // DAM's state (installed apps, repository passwords, the trust store): root's only.
  mkdirSync(join(tree, 'var/lib/dam'), { recursive: true });
  chmodSync(join(tree, 'var/lib/dam'), 0o700);
  const payload = files(tree);
  const kib = Math.ceil(payload.reduce((n, f) => n + statSync(f).size, 0) / 1024);
  const md5sums = payload
    .map((f) => `${createHash('md5').update(readFileSync(f)).digest('hex')}  ${relative(tree, f)}\n`)
    .join('');
  write(join(tree, 'DEBIAN/control'), control(pkg, arch, kib));
  write(join(tree, 'DEBIAN/md5sums'), md5sums);
  const file = join(out, `dam_${debianVersion(version)}_${arch}.deb`);
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', tree, file], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return file;
}
