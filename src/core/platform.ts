// Platforms as users and registries write them: `os/architecture[/variant]`, e.g. `linux/arm64` or
// `linux/arm/v7`. `--platform` takes one or more, repeated or comma separated. Pure: no I/O.
import { usageError } from './errors.js';
import type { Platform } from './ports/registry.js';

const PART = /^[a-z0-9_-]{1,32}$/;

/** What engines report (`uname -m`) or Node calls an architecture, as OCI names it. */
const ARCH_ALIASES: Record<string, { architecture: string; variant?: string }> = {
  x86_64: { architecture: 'amd64' },
  x64: { architecture: 'amd64' },
  aarch64: { architecture: 'arm64' },
  armv7l: { architecture: 'arm', variant: 'v7' },
  armhf: { architecture: 'arm', variant: 'v7' },
  i386: { architecture: '386' },
  i686: { architecture: '386' },
};

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

/** One `os/arch[/variant]`; USAGE naming the text otherwise. */
export function parsePlatform(text: string): Platform {
  const parts = text.trim().toLowerCase().split('/');
  if (parts.length < 2 || parts.length > 3 || !parts.every((p) => PART.test(p))) {
    throw usageError(
      `'${text}' is not a platform.`,
      'Write os/architecture[/variant], e.g. linux/amd64 or linux/arm64.',
    );
  }
  const [os, arch, variant] = parts as [string, string, string | undefined];
  const alias = ARCH_ALIASES[arch];
  const architecture = alias?.architecture ?? arch;
  const v = variant ?? alias?.variant;
  return v ? { os, architecture, variant: v } : { os, architecture };
}

/** Every platform of repeated and comma-separated `--platform` values, each once, in the order given. */
export function parsePlatforms(values: readonly string[]): Platform[] {
  const out: Platform[] = [];
  for (const value of values) {
    for (const text of value.split(',')) {
      if (text.trim() === '') continue;
      const p = parsePlatform(text);
      if (!out.some((q) => samePlatform(p, q))) out.push(p);
    }
  }
  return out;
}

/** An engine's or image's os and architecture (`x86_64`, `aarch64` as `uname` says) as a platform. */
export function normalizePlatform(os: string, architecture: string, variant?: string): Platform {
  const alias = ARCH_ALIASES[architecture.toLowerCase()];
  const v = variant || alias?.variant;
  const p: Platform = {
    os: os.toLowerCase() || 'linux',
    architecture: alias?.architecture ?? architecture.toLowerCase(),
  };
  return v ? { ...p, variant: v } : p;
}

export function samePlatform(a: Platform, b: Platform): boolean {
  return a.os === b.os && a.architecture === b.architecture && (a.variant ?? '') === (b.variant ?? '');
}

/**
 * Whether an image for `offered` runs where `wanted` is asked: same os and architecture, and the same
 * variant when both name one (an arm64 engine rarely says v8).
 */
export function platformMatches(offered: Platform, wanted: Platform): boolean {
  if (offered.os !== wanted.os || offered.architecture !== wanted.architecture) return false;
  return offered.variant === undefined || wanted.variant === undefined || offered.variant === wanted.variant;
}

/** The platform of a Linux engine on a CPU Node names `arch` (process.arch): what this host's images are for. */
export function enginePlatform(arch: string): Platform {
  const architecture =
    (
      { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' } as Record<
        string,
        string
      >
    )[arch] ?? 'amd64';
  return { os: 'linux', architecture };
}
