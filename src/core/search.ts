// Pure rules of `dam search`: which app names a mask matches, and the order names and tags are shown in.
// Tags are always shown as the registry spells them (1.x printed normalised semver, `16.04` as `16.4.0`).
import { DamError } from './errors.js';
import { printable } from './validate.js';

export const MAX_MASK_LENGTH = 128;

/** Checks a search mask: printable, no spaces, at most 128 characters. */
export function validateMask(mask: string): string {
  if (mask.length === 0 || mask.length > MAX_MASK_LENGTH || /[\s\p{Cc}]/u.test(mask)) {
    throw new DamError(
      'USAGE',
      `The search mask '${printable(mask)}' is not valid.`,
      `A mask has 1 to ${MAX_MASK_LENGTH} characters without spaces; * and ? are globs, e.g. 'web' or 'team/*-api'.`,
    );
  }
  return mask;
}

export function hasGlob(mask: string): boolean {
  return /[*?]/.test(mask);
}

/**
 * A mask without globs matches any name containing it; a mask with `*` or `?` must match the whole name
 * (`web*` starts with web, `*web` ends with it; `*` also spans `/`). Both ignore case.
 */
export function maskMatcher(mask: string | undefined): (name: string) => boolean {
  if (mask === undefined || mask === '') return () => true;
  const lower = mask.toLowerCase();
  if (!hasGlob(mask)) return (name) => name.toLowerCase().includes(lower);
  const source = [...lower]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  const re = new RegExp(`^${source}$`, 's');
  return (name) => re.test(name.toLowerCase());
}

/** The longest glob-free run of a mask: what a server-side search (Docker Hub) is asked for. */
export function maskQuery(mask: string): string {
  return mask.split(/[*?]+/).reduce((best, part) => (part.length > best.length ? part : best), '');
}

/** App names case-insensitively, ties in code-unit order, so the order never depends on the server. */
export function compareNames(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

interface VersionLike {
  numbers: number[];
  /** Dot-separated identifiers after `-`; empty for a release. */
  pre: string[];
}

const VERSION_RE = /^[vV]?(\d{1,15}(?:\.\d{1,15}){0,3})(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** `1`, `16.04`, `v2.1.3`, `3.4-alpine`, `1.0.0-rc.1+build` are version-like; `latest`, `alpine` are not. */
export function parseVersionLike(tag: string): VersionLike | undefined {
  const m = VERSION_RE.exec(tag);
  if (!m?.[1]) return undefined;
  return { numbers: m[1].split('.').map(Number), pre: m[2] ? m[2].split('.') : [] };
}

function compareIdentifiers(a: string, b: string): number {
  const na = /^\d+$/.test(a);
  const nb = /^\d+$/.test(b);
  if (na && nb) return Number(a) - Number(b);
  if (na !== nb) return na ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Ascending version order, semver-style: missing parts count as 0, a pre-release sorts before its release. */
export function compareVersions(a: VersionLike, b: VersionLike): number {
  for (let i = 0; i < Math.max(a.numbers.length, b.numbers.length); i++) {
    const d = (a.numbers[i] ?? 0) - (b.numbers[i] ?? 0);
    if (d !== 0) return d;
  }
  if (a.pre.length === 0 || b.pre.length === 0) return b.pre.length - a.pre.length;
  for (let i = 0; i < Math.max(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i];
    const y = b.pre[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const d = compareIdentifiers(x, y);
    if (d !== 0) return d;
  }
  return 0;
}

function codeUnitOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Tags newest first: version-like tags by version, descending (equal versions such as `1.0` and `1.0.0`
 * keep both, the longer spelling first), then every other tag in code-unit order. Duplicates are dropped.
 */
export function sortTags(tags: readonly string[]): string[] {
  const versions: { tag: string; v: VersionLike }[] = [];
  const others: string[] = [];
  for (const tag of new Set(tags)) {
    const v = parseVersionLike(tag);
    if (v) versions.push({ tag, v });
    else others.push(tag);
  }
  versions.sort(
    (x, y) => compareVersions(y.v, x.v) || y.v.numbers.length - x.v.numbers.length || codeUnitOrder(x.tag, y.tag),
  );
  return [...versions.map((x) => x.tag), ...others.sort(codeUnitOrder)];
}
