// Durable replacement of a file: write a temporary sibling, fsync it, rename it over the target, fsync the
// directory. A reader sees the old file or the new one, never a mix; a crash at any point leaves one of them.
import { open, rename, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';

/** Writes a file and fsyncs it. `flag` 'wx' refuses an existing file (EEXIST). */
export async function writeFileSynced(path: string, data: string | Uint8Array, mode: number, flag: 'w' | 'wx' = 'w'): Promise<void> {
  const handle = await open(path, flag, mode);
  try {
    await handle.writeFile(data);
    await handle.chmod(mode);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  await writeFileSynced(tmp, data, mode);
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dirname(path));
}

export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
