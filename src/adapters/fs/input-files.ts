// Files named on the command line, looked at before they are read (the InputFiles port).
import { stat } from 'node:fs/promises';
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
};
