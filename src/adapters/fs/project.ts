// Reads an app project for `dam create`: what the build context will hold (after .dockerignore, as the
// Docker CLI applies it) and the texts the plan needs. Reads only; never writes into the project.
import { lstat, readFile, readdir, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import dockerignore from '@balena/dockerignore';
import { DamError, errnoCode } from '../../core/errors.js';
import type { ProjectListing } from '../../core/create/layout.js';
import { templateTarget } from '../../core/create/template.js';
import type { ContextEntry, Project } from '../../core/ports/project.js';

export type { ContextEntry, Project } from '../../core/ports/project.js';

// The package is CommonJS (`module.exports = factory`) but its types declare an ES default export, so
// under NodeNext TypeScript sees the factory one level down; at run time the default import is the factory.
const ignore = dockerignore as unknown as typeof dockerignore.default;

/** The Docker CLI always sends these, whatever .dockerignore says. */
const ALWAYS_SENT = new Set(['Dockerfile', '.dockerignore']);

export async function readProject(dir: string, shownAs: string): Promise<Project> {
  const info = await stat(dir).catch((err: unknown) => {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return undefined;
    throw err;
  });
  if (!info?.isDirectory())
    throw new DamError(
      'NOT_FOUND',
      `The project folder '${shownAs}' does not exist.`,
      'Give the folder that holds the Dockerfile and meta/.',
    );
  const patterns = (await readOptional(join(dir, '.dockerignore'))) ?? '';
  const rules = ignore().add(patterns.split(/\r?\n/));
  const hasExceptions = /^\s*!/m.test(patterns);
  const entries: ContextEntry[] = [];
  const ignoredMetaFiles: string[] = [];

  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(join(dir, rel))).sort();
    for (const name of names) {
      const path = rel ? `${rel}/${name}` : name;
      const st = await lstat(join(dir, path));
      const inMeta = path === 'meta' || path.startsWith('meta/');
      const ignored = !ALWAYS_SENT.has(path) && rules.ignores(path);
      if (ignored && inMeta && st.isFile()) ignoredMetaFiles.push(path);
      if (st.isDirectory()) {
        if (!ignored) entries.push({ path, type: 'directory', mode: st.mode & 0o7777, size: 0, mtime: st.mtime });
        // Like the Docker CLI, look inside an ignored folder only when a `!` pattern may bring files back.
        if (!ignored || hasExceptions || inMeta) await walk(path);
      } else if (!ignored && st.isFile()) {
        entries.push({ path, type: 'file', mode: st.mode & 0o7777, size: st.size, mtime: st.mtime });
      } else if (!ignored && st.isSymbolicLink()) {
        entries.push({
          path,
          type: 'symlink',
          mode: 0o777,
          size: 0,
          mtime: st.mtime,
          linkname: await readlink(join(dir, path)),
        });
      }
    }
  };
  await walk('');

  const metaFiles = entries.filter((e) => e.type === 'file' && e.path.startsWith('meta/')).map((e) => e.path);
  const texts: Record<string, string> = {};
  for (const path of metaFiles) {
    if (templateTarget(path) !== undefined || path === 'meta/DESCRIPTION')
      texts[path] = await readFile(join(dir, path), 'utf8');
  }
  const metaInfo = await stat(join(dir, 'meta')).catch(() => undefined);
  const listing: ProjectListing = {
    dir: shownAs,
    metaIsDir: metaInfo?.isDirectory() === true,
    dockerfile: await readOptional(join(dir, 'Dockerfile')),
    environment: await readOptional(join(dir, 'ENVIRONMENT')),
    metaFiles,
    ignoredMetaFiles,
    texts,
  };
  return { listing, entries };
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'EISDIR') return undefined;
    throw err;
  }
}
