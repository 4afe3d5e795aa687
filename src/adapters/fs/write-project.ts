// Writes a new app project (`dam init`) into a folder that is empty or missing, or, with force, over the
// files of the same names. Nothing is written before the folder has been checked.
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DamError, errnoCode } from '../../core/errors.js';
import type { InitFile } from '../../core/init/common.js';

async function entriesOf(dir: string): Promise<string[] | undefined> {
  try {
    return await readdir(dir);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    if (errnoCode(err) === 'ENOTDIR')
      throw new DamError('CONFLICT', `'${dir}' is a file, not a folder.`, 'Give a folder for the new project.');
    throw err;
  }
}

export async function writeProject(dir: string, shownAs: string, files: InitFile[], force: boolean): Promise<void> {
  const existing = await entriesOf(dir);
  if (existing?.length && !force) {
    throw new DamError(
      'CONFLICT',
      `The folder '${shownAs}' is not empty (${existing.length} entries).`,
      'Choose an empty or new folder, or add --force to write the project files over it.',
    );
  }
  for (const file of files) {
    const path = join(dir, file.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.text, { mode: file.mode });
    // writeFile's mode applies only to a new file (and through the umask); --force may overwrite.
    await chmod(path, file.mode);
  }
}
