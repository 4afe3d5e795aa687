// Unpacks a tar stream into a folder so that nothing lands outside it: only regular files, folders and
// symbolic links that stay inside; `..`, absolute names, links pointing out, devices and FIFOs are refused
// with ARCHIVE_INVALID naming the entry. The tree is built in a fresh temporary sibling and renamed into
// place, so the destination is either absent or complete.
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readlink, rename, rm, symlink, link, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { DamError, errnoCode } from '../../core/errors.js';
import {
  normalizeEntryName,
  resolveSymlinkTarget,
  safeEntryType,
  safeMode,
  underSymlink,
  type SafeEntryType,
} from '../../core/archive/tar-path.js';

export interface TreeEntry {
  /** Normalised path relative to the tree's root (see normalizeEntryName). */
  path: string;
  type: SafeEntryType;
  mode?: number;
  /** Symlink: the target as stored. Hard link: the normalised path of an earlier file of this tree. */
  linkname?: string;
}

/** Writes checked entries under `dir`; `finish` re-checks every symlink on disk and applies folder modes. */
export interface SafeTree {
  readonly dir: string;
  add(entry: TreeEntry, content?: Readable | Buffer): Promise<void>;
  finish(): Promise<void>;
}

function refused(source: string, entry: string, why: string): DamError {
  return new DamError(
    'ARCHIVE_INVALID',
    `Refused entry '${entry}' in ${source}: ${why}.`,
    'The archive or image is unsafe or damaged; rebuild it without such entries.',
  );
}

export function createSafeTree(dir: string, source: string): SafeTree {
  const seen = new Map<string, SafeEntryType>();
  const symlinks = new Set<string>();
  const dirModes = new Map<string, number>();
  return {
    dir,
    async add(entry, content) {
      const { path } = entry;
      const through = underSymlink(path, symlinks);
      if (through !== undefined) throw refused(source, path, `it lies under the symbolic link '${through}'`);
      for (let p = dirname(path); p !== '.'; p = dirname(p)) {
        const t = seen.get(p);
        if (t !== undefined && t !== 'directory') throw refused(source, path, `its parent '${p}' is not a folder`);
      }
      if (seen.has(path)) {
        if (entry.type === 'directory' && seen.get(path) === 'directory')
          return void dirModes.set(path, safeMode(entry.mode, 'directory'));
        throw refused(source, path, 'it appears twice');
      }
      const target = join(dir, path);
      await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      if (entry.type === 'directory') {
        await mkdir(target, { mode: 0o700 });
        dirModes.set(path, safeMode(entry.mode, 'directory'));
      } else if (entry.type === 'symlink') {
        const linkname = entry.linkname ?? '';
        if (resolveSymlinkTarget(path, linkname) === undefined)
          throw refused(source, path, `it is a symbolic link pointing outside ('${linkname}')`);
        await symlink(linkname, target);
        symlinks.add(path);
      } else if (entry.type === 'link') {
        const from = entry.linkname ?? '';
        if (seen.get(from) !== 'file')
          throw refused(source, path, `it is a hard link to '${from}', which is not a file of this folder`);
        await link(join(dir, from), target);
      } else {
        const mode = safeMode(entry.mode, 'file');
        if (content === undefined || Buffer.isBuffer(content))
          await writeFile(target, content ?? Buffer.alloc(0), { flag: 'wx', mode });
        else await pipeline(content, createWriteStream(target, { flags: 'wx', mode }));
        await chmod(target, mode);
      }
      seen.set(path, entry.type);
    },
    async finish() {
      for (const path of symlinks) {
        if (await escapes(dir, path))
          throw refused(source, path, 'it is a symbolic link that resolves outside through other links');
      }
      const deepestFirst = [...dirModes].sort((a, b) => b[0].length - a[0].length);
      for (const [path, mode] of deepestFirst) await chmod(join(dir, path), mode);
    },
  };
}

/** Follows `path` component by component on disk, as the kernel would, and says whether it leaves `root`. */
async function escapes(root: string, path: string): Promise<boolean> {
  const stack: string[] = [];
  let queue = path.split('/');
  let hops = 0;
  let onDisk = true;
  while (queue.length > 0) {
    const part = queue.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (stack.length === 0) return true;
      stack.pop();
      continue;
    }
    stack.push(part);
    if (!onDisk) continue;
    let isLink = false;
    try {
      isLink = (await lstat(join(root, ...stack))).isSymbolicLink();
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT' && errnoCode(err) !== 'ENOTDIR') throw err;
      onDisk = false;
    }
    if (isLink) {
      if (++hops > 40) return true;
      const target = await readlink(join(root, ...stack));
      if (target.startsWith('/')) return true;
      stack.pop();
      queue = [...target.split('/'), ...queue];
    }
  }
  return false;
}

export interface AtomicTreeOptions {
  /** Replace an existing destination (swapped out, then removed); otherwise CONFLICT when it exists. */
  replace?: boolean;
  /** Names the input in error messages, e.g. `the /meta folder of image web:1.0`. */
  source: string;
}

/**
 * Builds a tree in a fresh temporary sibling of `destDir` with `fill`, then renames it into place. On any
 * error the temporary folder is removed and `destDir` is untouched.
 */
export async function writeTreeAtomically(
  destDir: string,
  fill: (tree: SafeTree) => Promise<void>,
  options: AtomicTreeOptions,
): Promise<void> {
  const parent = dirname(destDir);
  await mkdir(parent, { recursive: true });
  const temp = join(parent, `.${basename(destDir)}.${randomBytes(4).toString('hex')}.tmp`);
  await mkdir(temp, { mode: 0o700 });
  try {
    const tree = createSafeTree(temp, options.source);
    await fill(tree);
    await tree.finish();
    await chmod(temp, 0o755);
    await moveIntoPlace(temp, destDir, options);
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    throw err;
  }
}

async function moveIntoPlace(temp: string, destDir: string, options: AtomicTreeOptions): Promise<void> {
  const exists = await lstat(destDir).then(
    () => true,
    (err: unknown) => {
      if (errnoCode(err) === 'ENOENT') return false;
      throw err;
    },
  );
  if (!exists) return rename(temp, destDir);
  if (!options.replace)
    throw new DamError(
      'CONFLICT',
      `The folder '${destDir}' already exists.`,
      'Remove it first, or ask for it to be replaced.',
    );
  const old = `${temp}.old`;
  await rename(destDir, old);
  await rename(temp, destDir);
  await rm(old, { recursive: true, force: true });
}

export interface SafeExtractOptions extends AtomicTreeOptions {
  /** A leading folder every entry must be in and that is dropped, e.g. `meta` for a copy of `/meta`. */
  strip?: string;
}

/**
 * Extracts a tar stream (e.g. Engine.copyFromContainer(id, '/meta')) into `destDir`. Returns the number
 * of entries written. Throws ARCHIVE_INVALID naming the first unsafe entry; `destDir` is then unchanged.
 */
export async function safeExtract(
  stream: Readable,
  destDir: string,
  options: SafeExtractOptions,
): Promise<{ entries: number }> {
  let count = 0;
  await writeTreeAtomically(
    destDir,
    async (tree) => {
      const extract = tar.extract();
      const relative = (name: string, what: string): string | undefined => {
        const n = normalizeEntryName(name);
        if (n.kind === 'invalid') throw refused(options.source, name, `its ${what} ${n.reason}`);
        if (n.kind === 'root') return undefined;
        if (!options.strip) return n.path;
        if (n.path === options.strip) return undefined;
        if (!n.path.startsWith(`${options.strip}/`))
          throw refused(options.source, name, `it is outside '${options.strip}'`);
        return n.path.slice(options.strip.length + 1);
      };
      extract.on('entry', (header, body, next) => {
        const run = async () => {
          const type = safeEntryType(header.type);
          if (type === undefined)
            throw refused(
              options.source,
              header.name,
              `it is a ${header.type} (only files, folders and symbolic links are allowed)`,
            );
          const path = relative(header.name, 'name');
          if (path === undefined) {
            if (type !== 'directory') throw refused(options.source, header.name, 'it should be a folder');
            body.resume();
            return;
          }
          const entry: TreeEntry = { path, type, mode: header.mode };
          if (type === 'symlink') entry.linkname = header.linkname ?? '';
          if (type === 'link') entry.linkname = relative(header.linkname ?? '', 'link target') ?? '';
          if (type === 'file') await tree.add(entry, body as unknown as Readable);
          else {
            body.resume();
            await tree.add(entry);
          }
          count++;
        };
        run().then(
          () => next(),
          (err: unknown) => {
            body.resume();
            next(err as Error);
          },
        );
      });
      await pipeline(stream, extract).catch((err: unknown) => {
        throw isTarFormatError(err)
          ? new DamError(
              'ARCHIVE_INVALID',
              `${options.source} is not a valid tar stream: ${(err as Error).message}.`,
              'The archive is damaged or truncated.',
            )
          : err;
      });
    },
    options,
  );
  return { entries: count };
}

/** tar-stream's own errors: a bad header or a stream that ends inside an entry. */
export function isTarFormatError(err: unknown): boolean {
  return (
    err instanceof Error &&
    !(err instanceof DamError) &&
    /^(Unexpected end of data|Invalid tar header)/.test(err.message)
  );
}

/**
 * What went wrong reading a (gzip'd) tar stream, as the caller's ARCHIVE_INVALID error (`invalid` names the
 * file); errors that are not about the stream's content pass through.
 */
export function describeStreamFailure(err: unknown, invalid: (what: string) => DamError): Error {
  if (err instanceof DamError) return err;
  const code = errnoCode(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'Z_BUF_ERROR' || message === 'unexpected end of file') return invalid('the gzip stream is truncated');
  if (code?.startsWith('Z_')) return invalid(`the gzip data is corrupt (${message})`);
  if (isTarFormatError(err))
    return invalid(
      /^Unexpected end/.test(message) ? 'the tar stream is truncated' : `a tar header is corrupt (${message})`,
    );
  return err instanceof Error ? err : new Error(message);
}
