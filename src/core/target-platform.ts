// The platform a product is exported for (`dam export --all --platform os/arch`), in Docker's naming, and
// the release executable that runs there. Pure: the caller passes the host's platform.
import { usageError } from './errors.js';

export interface TargetPlatform {
  os: 'linux';
  arch: 'amd64' | 'arm64';
}

const ARCHES: Record<string, TargetPlatform['arch']> = {
  amd64: 'amd64',
  x86_64: 'amd64',
  arm64: 'arm64',
  aarch64: 'arm64',
  'arm64/v8': 'arm64',
};

/** `linux/amd64` or `linux/arm64` (also `linux/arm64/v8`); USAGE naming the value otherwise. */
export function parseTargetPlatform(text: string): TargetPlatform {
  const [os, ...rest] = text.trim().toLowerCase().split('/');
  const arch = ARCHES[rest.join('/')];
  if (os !== 'linux' || !arch)
    throw usageError(
      `--platform '${text}' is not a platform DAM runs on.`,
      'Use linux/amd64 or linux/arm64 (a Raspberry Pi 4 or 5, an arm64 server).',
    );
  return { os, arch };
}

/** The platform of a host, from Node's `process.platform` and `process.arch`; undefined where DAM has no release. */
export function hostPlatform(platform: string, arch: string): TargetPlatform | undefined {
  if (platform !== 'linux') return undefined;
  return arch === 'x64'
    ? { os: 'linux', arch: 'amd64' }
    : arch === 'arm64'
      ? { os: 'linux', arch: 'arm64' }
      : undefined;
}

/** The release file suffix of the platform: `linux-x64` or `linux-arm64`, as in `dam-<version>-linux-arm64`. */
export function releasePlatform(p: TargetPlatform): string {
  return `${p.os}-${p.arch === 'amd64' ? 'x64' : 'arm64'}`;
}

export function formatPlatform(p: TargetPlatform): string {
  return `${p.os}/${p.arch}`;
}
