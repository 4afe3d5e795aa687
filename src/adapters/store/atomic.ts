// Durable replacement of a file: write a temporary sibling, fsync it, rename it over the target, fsync the
// directory. A reader sees the old file or the new one, never a mix; a crash at any point leaves one of them.
// The temporary file has an unguessable name and is created with O_EXCL ('wx'), which fails on any existing
// name, a symlink included: a link planted in a shared folder is never followed. It sits in the target's
// own folder, so the rename replaces the target's directory entry (a symlink there, not what it points to).
import { lstat, open, readlink, rename, stat, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, basename, join, resolve } from 'node:path';
import { DamError, errnoCode } from '../../core/errors.js';

/** Writes a file and fsyncs it. `flag` 'wx' refuses an existing file or symlink (EEXIST). */
export async function writeFileSynced(
  path: string,
  data: string | Uint8Array,
  mode: number,
  flag: 'w' | 'wx' = 'w',
): Promise<void> {
  const handle = await open(path, flag, mode);
  try {
    await handle.writeFile(data);
    await handle.chmod(mode);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A fresh name for a temporary file next to `path` (in `dir` when given): create it with the 'wx' flag. */
export function tempSibling(path: string, dir = dirname(path)): string {
  return join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.partial`);
}

/** Makes the finished temporary file `temp` the file `path`, durably; removes `temp` if that fails. */
export async function commitTemp(temp: string, path: string): Promise<void> {
  try {
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await discardTemp(temp);
    throw err;
  }
  await fsyncDir(dirname(path));
}

export async function discardTemp(temp: string): Promise<void> {
  await unlink(temp).catch(() => undefined);
}

/**
 * Replaces `path` with what `write` puts into the temporary file it is given (which it must create with
 * the 'wx' flag), or leaves `path` as it was if `write` throws.
 */
export async function replaceAtomically<T>(path: string, write: (temp: string) => Promise<T>): Promise<T> {
  const temp = tempSibling(path);
  let out: T;
  try {
    out = await write(temp);
  } catch (err) {
    await discardTemp(temp);
    throw err;
  }
  await commitTemp(temp, path);
  return out;
}

export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  // Not synced here: commitTemp fsyncs the temporary file before the rename.
  await replaceAtomically(path, async (temp) => {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(data);
      await handle.chmod(mode);
    } finally {
      await handle.close();
    }
  });
}

export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A folder anyone may create names in (world-writable or sticky, like /tmp). */
async function sharedFolder(dir: string): Promise<boolean> {
  const info = await stat(dir).catch(() => undefined);
  return info !== undefined && (info.mode & 0o1002) !== 0;
}

/**
 * Refuses an output path that is a symlink in, or into, a folder others can write (unless `force`): there it
 * may have been planted to make DAM write elsewhere. Nothing else about the path is checked here.
 */
export async function checkOutputLink(path: string, force: boolean): Promise<void> {
  const info = await lstat(path).catch((err: unknown) => {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return undefined;
    throw err;
  });
  if (force || !info?.isSymbolicLink()) return;
  const target = resolve(dirname(path), await readlink(path));
  if (!(await sharedFolder(dirname(path))) && !(await sharedFolder(dirname(target)))) return;
  throw new DamError(
    'CONFLICT',
    `'${path}' is a symbolic link (to '${target}') in a folder others can write: it may have been planted there.`,
    'Give the real path of the file to write, or add --force to replace the link with the new file.',
  );
}
