// The files of a DAM 1.x database (`Repos` and `Apps` in its folder, see docs/migrating-from-1x.md): read
// them, and mark the database as taken over by DAM 2 without deleting anything: `Apps` is moved aside to a
// named backup in the same folder and replaced by the one-line marker that 1.x refuses to read.
import { rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DamError, errnoCode } from '../../core/errors.js';
import { formatTakenOverMarker, parseTakenOverMarker, type TakenOverMarker } from '../../core/legacy-db.js';
import { writeFileAtomic } from './atomic.js';
import { readText } from './read-text.js';

export const BACKUP_NAME = 'Apps.taken-over-by-dam2';

export interface LegacyFiles {
  dir: string;
  repos?: string;
  apps?: string;
  /** Set when `Apps` is the marker a migration left. */
  takenOver?: TakenOverMarker;
}

/** Undefined fields when the files are absent; never throws for a missing folder. */
export async function readLegacyFiles(dir: string): Promise<LegacyFiles> {
  const out: LegacyFiles = { dir };
  const repos = await readText(join(dir, 'Repos'));
  const apps = await readText(join(dir, 'Apps'));
  if (repos !== undefined) out.repos = repos;
  if (apps !== undefined) {
    const marker = parseTakenOverMarker(apps);
    if (marker) out.takenOver = marker;
    else out.apps = apps;
  }
  return out;
}

/** readLegacyFiles for a folder the user named: NOT_FOUND, saying so, when it is a file. */
export async function readLegacyFolder(dir: string): Promise<LegacyFiles> {
  const folder = await stat(dir).catch((err: unknown) => {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  });
  if (folder && !folder.isDirectory())
    throw new DamError(
      'NOT_FOUND',
      `'${dir}' is not a folder: a DAM 1.x database is a folder holding Repos and Apps.`,
      'Give the folder with --from DIR, e.g. ~/.cache/dam.',
    );
  return readLegacyFiles(dir);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
}

/**
 * Moves `Apps` to `Apps.taken-over-by-dam2` (or `.2`, `.3`... when an earlier backup is there) and writes
 * the marker in its place. Returns the marker. An absent `Apps` gets the marker alone.
 */
export async function markTakenOver(dir: string, at: Date): Promise<TakenOverMarker> {
  let backup = BACKUP_NAME;
  for (let n = 2; await exists(join(dir, backup)); n++) backup = `${BACKUP_NAME}.${n}`;
  const marker: TakenOverMarker = { at: at.toISOString(), backup };
  if (await exists(join(dir, 'Apps'))) await rename(join(dir, 'Apps'), join(dir, backup));
  await writeFileAtomic(join(dir, 'Apps'), formatTakenOverMarker(marker), 0o644);
  return marker;
}
