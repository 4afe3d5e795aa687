// Files named on the command line, looked at before they are read (the InputFiles port).
import { readFile, stat } from 'node:fs/promises';
import { errnoCode } from '../../core/errors.js';
import type { InputFiles } from '../../core/ports/host.js';
import { openRegularFile } from './regular-file.js';

export const inputFiles: InputFiles = {
  kindOf: async (path) => {
    const found = await stat(path).catch(() => undefined);
    return found === undefined ? undefined : found.isFile() ? 'regular' : 'other';
  },
  checkRegular: async (path, what) => {
    await (await openRegularFile(path, what)).close();
  },
  readText: (path) => readFile(path, 'utf8'),
  typeOf: async (path) => {
    try {
      const found = await stat(path);
      return found.isFile() ? 'file' : found.isDirectory() ? 'directory' : 'other';
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return undefined;
      throw err;
    }
  },
};
