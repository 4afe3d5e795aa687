// App projects on disk (`dam create`, `dam init`, `dam lint`). Implemented in src/adapters/fs and
// src/adapters/lint.
import type { Readable } from 'node:stream';
import type { ProjectListing } from '../create/layout.js';
import type { InitFile } from '../init/common.js';
import type { LintSubject } from '../lint/types.js';

export interface ContextEntry {
  /** Relative, `/`-separated. */
  path: string;
  type: 'file' | 'directory' | 'symlink';
  mode: number;
  size: number;
  mtime: Date;
  linkname?: string;
}

export interface Project {
  listing: ProjectListing;
  /** Everything the build context holds, parents before children. */
  entries: ContextEntry[];
}

export interface Projects {
  /**
   * Reads a project folder: what the build context holds (.dockerignore applied as the Docker CLI applies
   * it) and the texts the plan needs. NOT_FOUND naming `shownAs` when the folder does not exist. Reads only.
   */
  read(dir: string, shownAs: string): Promise<Project>;
  /** The build context as a tar stream: the entries, read from `dir`, with `rendered` (path to text) in place. */
  pack(dir: string, entries: ContextEntry[], rendered: Record<string, string>): Readable;
  /** What `dam lint` checks of a project already read. */
  lintSubject(project: Project, dir: string): Promise<LintSubject>;
  /** Writes a new project's files under `dir`; CONFLICT when one exists, unless `force`. */
  write(dir: string, shownAs: string, files: InitFile[], force: boolean): Promise<void>;
}

/** What `dam lint` reads of its target: a project folder, an archive file or a local image. */
export interface LintSubjects {
  classify(path: string): Promise<'project' | 'archive' | 'image'>;
  project(path: string, shownAs: string): Promise<LintSubject>;
  archive(path: string, shownAs: string): Promise<LintSubject>;
  image(ref: string): Promise<LintSubject>;
}
