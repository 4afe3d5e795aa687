// Pure rules for the names and link targets of tar entries. Every archive DAM reads goes through these,
// so no entry can name a place outside the folder it is unpacked into.

export type EntryPath = { kind: 'root' } | { kind: 'path'; path: string } | { kind: 'invalid'; reason: string };

/**
 * Normalises an entry name to `a/b/c`. Accepts DAM 1.x's quirks: a leading `/` (its names were
 * `/manifest.json`) and an empty name or `/` or `.` for the root folder. `./` prefixes and a trailing `/`
 * are dropped. Rejects `..` components, empty components in the middle (`a//b`), and NUL.
 */
export function normalizeEntryName(name: string): EntryPath {
  if (name.includes('\0')) return { kind: 'invalid', reason: 'contains a NUL character' };
  const parts = name.split('/');
  const kept: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part === '..') return { kind: 'invalid', reason: 'contains a `..` component' };
    if (part === '.') continue;
    if (part === '') {
      const leading = i === 0;
      const trailing = i === parts.length - 1;
      if (leading || trailing) continue;
      return { kind: 'invalid', reason: 'contains an empty component (`//`)' };
    }
    kept.push(part);
  }
  return kept.length === 0 ? { kind: 'root' } : { kind: 'path', path: kept.join('/') };
}

/**
 * Where a symbolic link at `entryPath` (normalised) points, as a normalised path inside the same root, or
 * undefined when the target is absolute or climbs out of the root. Lexical only: callers must also make
 * sure that no entry is written through a symbolic link (see `underSymlink`).
 */
export function resolveSymlinkTarget(entryPath: string, target: string): string | undefined {
  if (target === '' || target.startsWith('/') || target.includes('\0')) return undefined;
  const stack = entryPath.split('/').slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (stack.length === 0) return undefined;
      stack.pop();
    } else {
      stack.push(part);
    }
  }
  return stack.join('/');
}

/** The first proper ancestor of `path` that is in `symlinks`, if any. */
export function underSymlink(path: string, symlinks: ReadonlySet<string>): string | undefined {
  let i = path.indexOf('/');
  while (i > 0) {
    const prefix = path.slice(0, i);
    if (symlinks.has(prefix)) return prefix;
    i = path.indexOf('/', i + 1);
  }
  return undefined;
}

/** Entry types DAM writes or follows; devices, FIFOs and anything unknown are refused. */
export type SafeEntryType = 'file' | 'directory' | 'symlink' | 'link';

export function safeEntryType(type: string | null | undefined): SafeEntryType | undefined {
  if (type === 'file' || type === 'contiguous-file' || type === undefined || type === null) return 'file';
  if (type === 'directory' || type === 'symlink' || type === 'link') return type;
  return undefined;
}

/** Permission bits kept when unpacking: rwx for all, never setuid, setgid or sticky. */
export function safeMode(mode: number | undefined, type: 'file' | 'directory'): number {
  const fallback = type === 'directory' ? 0o755 : 0o644;
  return mode === undefined ? fallback : mode & 0o777;
}
