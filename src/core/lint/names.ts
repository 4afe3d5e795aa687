// Names DAM would refuse, or that DAM 1.x hosts reject or misread (dam-1x-spec §3.3): an all-digit app
// name is taken for an app id, and a family needs a lower-case letter or digit.
import { isDamError } from '../errors.js';
import { damEnvironment, parseDockerfileEnv, parseEnvironmentFile } from '../create/env-files.js';
import { type AppVariables, resolveVariables } from '../create/variables.js';
import { LABEL_FAMILY, LABEL_NAME, LABEL_VERSION } from '../app-labels.js';
import { validateAppName, validateFamily, validateVersion } from '../validate.js';
import { type Finding, type LintSubject, finding } from './types.js';

/** The project's name, version and family as `dam create` resolves them; undefined when one is invalid. */
export function resolvedApp(s: LintSubject): AppVariables | undefined {
  try {
    return appOf(s);
  } catch (err) {
    if (isDamError(err, 'INVALID_NAME')) return undefined;
    throw err;
  }
}

function appOf(s: LintSubject): AppVariables {
  return resolveVariables({
    flags: s.flags ?? {},
    environmentFile: parseEnvironmentFile(s.environment ?? ''),
    dockerfileEnv: parseDockerfileEnv(s.dockerfile ?? ''),
    processEnv: damEnvironment(s.processEnv ?? {}),
    projectDirName: s.projectDirName ?? '',
    defaultServer: '',
  });
}

function dam1Checks(file: string, name: string | undefined, family: string | undefined): Finding[] {
  const out: Finding[] = [];
  if (name !== undefined && /^-?\d+$/.test(name))
    out.push(
      finding(
        'name-rejected',
        'error',
        file,
        null,
        `The app name '${name}' is a number; DAM 1.x hosts take it for an app id and refuse it.`,
        'Give the app a name with at least one letter.',
      ),
    );
  if (family !== undefined && !/[a-z0-9]/.test(family))
    out.push(
      finding(
        'name-rejected',
        'error',
        file,
        null,
        `The family '${family}' has no lower-case letter or digit; DAM 1.x hosts refuse it.`,
        'Use a lower-case family, e.g. DAM_APP_FAMILY=web.',
      ),
    );
  return out;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function nameRules(s: LintSubject): Finding[] {
  if (s.kind === 'project') {
    try {
      const app = appOf(s);
      return dam1Checks('ENVIRONMENT', app.name, app.family);
    } catch (err) {
      if (!isDamError(err, 'INVALID_NAME')) throw err;
      return [
        finding(
          'name-rejected',
          'error',
          /from a Dockerfile ENV/.test(err.message) ? 'Dockerfile' : 'ENVIRONMENT',
          null,
          message(err),
          err.hint ?? 'Fix the name.',
        ),
      ];
    }
  }
  const labels = s.labels ?? {};
  const out: Finding[] = [];
  const checks: [string, (v: string) => string][] = [
    [LABEL_NAME, validateAppName],
    [LABEL_VERSION, validateVersion],
    [LABEL_FAMILY, validateFamily],
  ];
  for (const [label, check] of checks) {
    const value = labels[label];
    if (value === undefined) continue;
    try {
      check(value);
    } catch (err) {
      if (!isDamError(err, 'INVALID_NAME')) throw err;
      out.push(
        finding(
          'name-rejected',
          'error',
          'labels',
          null,
          `Label ${label}: ${message(err)}`,
          err.hint ?? 'Rebuild the image with a valid value.',
        ),
      );
    }
  }
  return [...out, ...dam1Checks('labels', labels[LABEL_NAME], labels[LABEL_FAMILY])];
}
