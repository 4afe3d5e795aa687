import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errnoCode } from '../../core/errors.js';
import type { HostDirs } from '../../core/ports/host.js';
import { fsyncDir } from '../store/atomic.js';

async function statOrUndefined(path: string) {
  try {
    return await stat(path);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return undefined;
    throw err;
  }
}

export const hostDirs: HostDirs = {
  async move(from, to) {
    await mkdir(dirname(to), { recursive: true, mode: 0o700 });
    await rename(from, to);
    await fsyncDir(dirname(to));
  },
  async remove(path) {
    await rm(path, { recursive: true, force: true });
  },
  async exists(path) {
    return (await statOrUndefined(path)) !== undefined;
  },
  async isFile(path) {
    return (await statOrUndefined(path))?.isFile() === true;
  },
};
