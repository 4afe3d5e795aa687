// Reads what `dam lint` checks: a project folder (as `dam create` would send it, .dockerignore applied),
// a local image (its labels, and /meta through a container that is never started), or an archive file
// (its labels and /meta, from its layers). Reads only; the temporary copy of /meta is always removed.
import { lstat, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { DamError, errnoCode } from '../../core/errors.js';
import type { Engine } from '../../core/ports/engine.js';
import type { LintSubject, MetaFile } from '../../core/lint/types.js';
import { type Project, readProject } from '../fs/project.js';
import { copyMetaFromImage } from '../meta/copy-meta.js';
import { extractMetaFromLayers } from '../archive/read-archive.js';

/** Scripts and templates bigger than this are not read as text (a binary installer, say). */
const TEXT_LIMIT = 1024 * 1024;

async function metaFile(path: string, mode: number, size: number): Promise<MetaFile> {
  if (size > TEXT_LIMIT) return { mode };
  const bytes = await readFile(path);
  return bytes.includes(0) ? { mode } : { mode, text: bytes.toString('utf8') };
}

export async function readProjectSubject(dir: string, shownAs: string): Promise<LintSubject> {
  return projectSubject(await readProject(dir, shownAs), dir);
}

/** The subject of a project already read (by `dam create`, which lints before it builds). */
export async function projectSubject(project: Project, dir: string): Promise<LintSubject> {
  const meta: Record<string, MetaFile> = {};
  for (const e of project.entries) {
    if (e.type === 'file' && e.path.startsWith('meta/'))
      meta[e.path] = await metaFile(join(dir, e.path), e.mode, e.size);
  }
  const { listing } = project;
  return {
    kind: 'project',
    meta,
    metaIsDir: listing.metaIsDir,
    dockerfile: listing.dockerfile,
    environment: listing.environment,
    projectDirName: basename(dir),
  };
}

async function readTree(root: string, rel = ''): Promise<Record<string, MetaFile>> {
  const out: Record<string, MetaFile> = {};
  for (const name of (await readdir(join(root, rel))).sort()) {
    const path = rel ? `${rel}/${name}` : name;
    const st = await lstat(join(root, path));
    if (st.isDirectory()) Object.assign(out, await readTree(root, path));
    else if (st.isFile()) out[`meta/${path}`] = await metaFile(join(root, path), st.mode & 0o7777, st.size);
  }
  return out;
}

async function withTempMeta<T>(fn: (dest: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'dam-lint-'));
  try {
    return await fn(join(dir, 'meta'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** NOT_FOUND for a missing /meta is a finding, not a failure: the subject then has no meta. */
async function metaOrNone(
  read: (dest: string) => Promise<void>,
): Promise<{ meta: Record<string, MetaFile>; metaIsDir: boolean }> {
  return withTempMeta(async (dest) => {
    try {
      await read(dest);
    } catch (err) {
      if (err instanceof DamError && err.code === 'NOT_FOUND') return { meta: {}, metaIsDir: false };
      throw err;
    }
    return { meta: await readTree(dest), metaIsDir: true };
  });
}

export async function readImageSubject(
  engine: Engine,
  ref: string,
  labels: Record<string, string>,
): Promise<LintSubject> {
  const image = await engine.inspectImage(ref);
  if (!image)
    throw new DamError(
      'NOT_FOUND',
      `'${ref}' is neither a folder, a file, nor a local image.`,
      'Give an app project folder, a .dam (or docker save) file, or an image in the local engine (dam install or docker pull it first).',
    );
  const { meta, metaIsDir } = await metaOrNone(async (dest) => {
    await copyMetaFromImage(engine, image.id, dest, { labels });
  });
  return { kind: 'image', meta, metaIsDir, labels: image.labels, tags: ref.startsWith('sha256:') ? [] : [ref] };
}

export async function readArchiveSubject(path: string, shownAs: string): Promise<LintSubject> {
  let info: Awaited<ReturnType<typeof extractMetaFromLayers>> | undefined;
  const { meta, metaIsDir } = await metaOrNone(async (dest) => {
    info = await extractMetaFromLayers(path, dest);
  });
  if (!info)
    throw new DamError(
      'NOT_FOUND',
      `The image in archive '${shownAs}' has no /meta folder.`,
      'A DAM app image carries /meta/install and /meta/uninstall; build it with `dam create`.',
    );
  return { kind: 'archive', meta, metaIsDir, labels: info.info.labels, tags: info.info.tags };
}

/** What the argument names: a folder, a file, or (anything else) an image reference. */
export async function classify(path: string): Promise<'project' | 'archive' | 'image'> {
  try {
    const st = await stat(path);
    return st.isDirectory() ? 'project' : 'archive';
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return 'image';
    throw err;
  }
}
