// The lint step of `dam create`: the error-level rules of `dam lint`, before anything is built.
import { DamError } from '../core/errors.js';
import { damEnvironment } from '../core/create/env-files.js';
import type { CreateFlags } from '../core/create/variables.js';
import { errorsOf, formatFinding, lint } from '../core/lint/lint.js';
import type { Project, Projects } from '../core/ports/project.js';

export async function lintBeforeCreate(
  projects: Projects,
  project: Project,
  dir: string,
  options: CreateFlags & { processEnv: Record<string, string | undefined> },
): Promise<void> {
  const subject = await projects.lintSubject(project, dir);
  const errors = errorsOf(
    lint({
      ...subject,
      processEnv: damEnvironment(options.processEnv),
      flags: { name: options.name, version: options.version, family: options.family },
    }),
  );
  if (errors.length === 0) return;
  const shown = project.listing.dir;
  const list = errors.map((f) => formatFinding(f, `${shown}/`)).join('\n');
  throw new DamError(
    'REFUSED',
    `The project '${shown}' has ${errors.length} error(s) that would make the app fail:\n${list}`,
    `Fix them (dam lint ${shown} shows warnings too), or build anyway with --no-lint.`,
  );
}
