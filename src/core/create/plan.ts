// `dam create` as plain data: from what was read of the project, the app's variables, labels, the
// rendered templates and the warnings. The adapter then packs the context and the engine builds it.
import { appLabels, withUserLabels } from '../app-labels.js';
import { withLabelInstruction } from './dockerfile.js';
import { damEnvironment, parseDockerfileEnv, parseEnvironmentFile } from './env-files.js';
import { type ProjectListing, checkLayout } from './layout.js';
import { renderTemplate, templateTarget } from './template.js';
import { type AppVariables, type CreateFlags, resolveVariables } from './variables.js';

export interface CreateInput {
  project: ProjectListing;
  /** The folder's own name, the app name's last fallback. */
  projectDirName: string;
  flags: CreateFlags;
  env: Record<string, string | undefined>;
  /** The default repo's server, or `''` for Docker Hub. */
  defaultServer: string;
  userLabels: Record<string, string>;
  /** ISO 8601, for org.opencontainers.image.created. */
  now: string;
}

export interface CreatePlan extends Omit<AppVariables, 'vars'> {
  labels: Record<string, string>;
  /** Files to add to the build context (rendered templates), by `meta/...` path. */
  rendered: Record<string, string>;
  /** The Dockerfile that is built: the project's, with one LABEL instruction carrying `labels`. */
  dockerfile: string;
  /** The labels that instruction cannot carry (line breaks), for the build API's `labels` parameter. */
  buildLabels: Record<string, string>;
  warnings: string[];
}

export function planCreate(input: CreateInput): CreatePlan {
  const { project } = input;
  checkLayout(project);
  const app = resolveVariables({
    flags: input.flags,
    environmentFile: project.environment === undefined ? {} : parseEnvironmentFile(project.environment),
    dockerfileEnv: parseDockerfileEnv(project.dockerfile ?? ''),
    processEnv: damEnvironment(input.env),
    projectDirName: input.projectDirName,
    defaultServer: input.defaultServer,
  });
  const rendered: Record<string, string> = {};
  const warnings: string[] = [];
  for (const path of Object.keys(project.texts).sort()) {
    const target = templateTarget(path);
    if (target === undefined) continue;
    const out = renderTemplate(project.texts[path] ?? '', app.vars);
    rendered[target] = out.text;
    for (const key of out.missing)
      warnings.push(`${path}: \${${key}} has no value in any source; it is left as it is.`);
    for (const key of out.empty) warnings.push(`${path}: \${${key}} is empty.`);
  }
  const description = (rendered['meta/DESCRIPTION'] ?? project.texts['meta/DESCRIPTION'] ?? '').trim();
  const labels = withUserLabels(
    appLabels({
      name: app.name,
      version: app.version,
      family: app.family,
      multiversion: app.multiversion,
      servers: app.servers,
      created: input.now,
      description,
    }),
    input.userLabels,
  );
  const built = withLabelInstruction(project.dockerfile ?? '', labels);
  return {
    name: app.name,
    version: app.version,
    family: app.family,
    multiversion: app.multiversion,
    tag: app.tag,
    servers: app.servers,
    labels,
    rendered,
    dockerfile: built.dockerfile,
    buildLabels: built.rest,
    warnings,
  };
}
