// What `dam create` reads of a project, and the checks 1.x made before building (dam-1x-spec §5.1), in
// its order, each naming the path to fix.
import { DamError } from '../errors.js';
import { copiesMeta } from './dockerfile.js';

export interface ProjectListing {
  /** The project folder, as the user should see it in messages. */
  dir: string;
  metaIsDir: boolean;
  /** The Dockerfile's text; undefined when there is none. */
  dockerfile?: string;
  /** The ENVIRONMENT file's text; undefined when there is none. */
  environment?: string;
  /** Regular files under meta/ that the build context will hold, as `meta/...` paths. */
  metaFiles: string[];
  /** Files under meta/ that .dockerignore leaves out. */
  ignoredMetaFiles: string[];
  /** The text of every `meta/**.exp` in the context, and of `meta/DESCRIPTION`. */
  texts: Record<string, string>;
}

export const SCRIPTS = ['install', 'uninstall'] as const;

export function checkLayout(p: ProjectListing): void {
  if (!p.metaIsDir) {
    throw new DamError(
      'NOT_FOUND',
      `There is no meta directory '${p.dir}/meta'.`,
      'An app project has a meta/ folder holding its install and uninstall scripts.',
    );
  }
  if (p.dockerfile === undefined) {
    throw new DamError(
      'NOT_FOUND',
      `There is no Dockerfile '${p.dir}/Dockerfile'.`,
      'An app project has a Dockerfile that copies meta/ to /meta.',
    );
  }
  for (const script of SCRIPTS) {
    const candidates = [`meta/${script}`, `meta/${script}.exp`];
    if (candidates.some((c) => p.metaFiles.includes(c))) continue;
    if (candidates.some((c) => p.ignoredMetaFiles.includes(c))) {
      throw new DamError(
        'NOT_FOUND',
        `'${p.dir}/meta/${script}' is left out of the build by '${p.dir}/.dockerignore'.`,
        `Remove the .dockerignore pattern that matches meta/${script}.`,
      );
    }
    throw new DamError(
      'NOT_FOUND',
      `Neither '${p.dir}/meta/${script}' nor '${p.dir}/meta/${script}.exp' exists.`,
      `Add a meta/${script} script (with a #! line), or a meta/${script}.exp template.`,
    );
  }
  if (!copiesMeta(p.dockerfile)) {
    throw new DamError(
      'NOT_FOUND',
      `The Dockerfile '${p.dir}/Dockerfile' has no COPY or ADD of meta to /meta.`,
      'Add the line: COPY meta /meta',
    );
  }
}
