// The content of an app's meta copy on the host, to compare with what a bundle's index pins.
import { createHash } from 'node:crypto';
import { readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { MetaContent } from '../../core/bundle/meta-listing.js';

export async function metaContent(dir: string): Promise<MetaContent> {
  const out: MetaContent = {};
  const walk = async (rel: string): Promise<void> => {
    for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(path);
      else if (e.isSymbolicLink()) out[path] = { target: await readlink(join(dir, path)) };
      else if (e.isFile())
        out[path] = {
          sha256: createHash('sha256')
            .update(await readFile(join(dir, path)))
            .digest('hex'),
        };
    }
  };
  await walk('');
  return out;
}

/** The same content flattened for the state (InstalledApp.metaDigests): path to sha256 hex, or `link:TARGET`. */
export async function metaDigests(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [path, entry] of Object.entries(await metaContent(dir)))
    out[path] = entry.target !== undefined ? `link:${entry.target}` : (entry.sha256 ?? '');
  return out;
}
