// Input files DAM reads (archives, bundles, `.sig` files) must be regular files. They are opened with
// O_NONBLOCK, which makes opening a FIFO return at once instead of waiting for a writer, and then checked
// with fstat on the open handle (so the check and the read are about the same file): a FIFO, a folder or a
// device is refused at once, before a byte is read, and never hangs DAM past a SIGTERM.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { DamError, errnoCode } from '../../core/errors.js';

function whatItIs(mode: number): string {
  const type = mode & constants.S_IFMT;
  if (type === constants.S_IFDIR) return 'a folder';
  if (type === constants.S_IFIFO) return 'a FIFO (named pipe)';
  if (type === constants.S_IFSOCK) return 'a socket';
  if (type === constants.S_IFCHR || type === constants.S_IFBLK) return 'a device';
  return 'not a regular file';
}

function notRegular(path: string, mode: number, what: string): DamError {
  return new DamError(
    'USAGE',
    `The ${what} '${path}' is not a regular file (it is ${whatItIs(mode)}).`,
    `Give the path of the ${what} itself.`,
  );
}

/** Opens `path` for reading if it is a regular file; USAGE naming what it is otherwise. */
export async function openRegularFile(path: string, what: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    // A folder cannot be opened on some systems; say what it is rather than EISDIR.
    if (errnoCode(err) === 'EISDIR') throw notRegular(path, constants.S_IFDIR, what);
    throw err;
  }
  const info = await handle.stat();
  if (!info.isFile()) {
    await handle.close();
    throw notRegular(path, info.mode, what);
  }
  return handle;
}

/** The whole content of the regular file `path`, refused (USAGE) past `max` bytes. */
export async function readRegularFile(path: string, what: string, max: number): Promise<Buffer> {
  const handle = await openRegularFile(path, what);
  try {
    const { size } = await handle.stat();
    if (size > max)
      throw new DamError(
        'USAGE',
        `The ${what} '${path}' is ${size} bytes, more than the ${max} a ${what} can be.`,
        `Give the path of the ${what} itself.`,
      );
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
