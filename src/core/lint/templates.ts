// `.exp` templates: `dam create` replaces `${KEY}` when a source defines KEY and leaves it otherwise. Two
// traps: a placeholder nobody defines (left as text, or an unset shell variable at install time), and a
// host variable such as `${PATH}` that some source defines, so the build machine's value is baked in.
import { damEnvironment, mergeVars, parseDockerfileEnv, parseEnvironmentFile } from '../create/env-files.js';
import { type Finding, type LintSubject, finding } from './types.js';
import { numbered } from './text.js';

/** Variables `dam create` always defines. */
export const RESERVED = [
  'DAM_APP_NAME',
  'DAM_APP_VERSION',
  'DAM_APP_FAMILY',
  'DAM_APP_MULTIVERSION',
  'DAM_APP_TAG',
  'DAM_APP_SERVERS',
];
/** Variables of the machine a script runs on, which a template must leave to the shell. */
export const HOST_VARIABLES = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'PWD',
  'SHELL',
  'HOSTNAME',
  'TMPDIR',
  'LANG',
  'TERM',
  'UID',
];

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function definedVariables(s: LintSubject): Set<string> {
  const vars = mergeVars(
    parseEnvironmentFile(s.environment ?? ''),
    parseDockerfileEnv(s.dockerfile ?? ''),
    damEnvironment(s.processEnv ?? {}),
  );
  return new Set([...Object.keys(vars), ...RESERVED]);
}

/** Names the script itself sets: `x=`, `export x=`, `local x=`, `readonly x=`, `for x in`, `read ... x`. */
function assignedInScript(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/(?:^|[\s;&|(])(?:export\s+|local\s+|readonly\s+)?([A-Za-z_][A-Za-z0-9_]*)=/gm))
    names.add(m[1] ?? '');
  for (const m of text.matchAll(/\bfor\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b/g)) names.add(m[1] ?? '');
  for (const m of text.matchAll(/\bread\s+(?:-\w+\s+)*([A-Za-z_][A-Za-z0-9_ ]*)/g))
    for (const n of (m[1] ?? '').split(/\s+/)) names.add(n);
  return names;
}

export function templateRules(s: LintSubject): Finding[] {
  if (s.kind !== 'project') return [];
  const defined = definedVariables(s);
  const out: Finding[] = [];
  for (const [path, file] of Object.entries(s.meta).sort(([a], [b]) => a.localeCompare(b))) {
    if (!path.endsWith('.exp') || file.text === undefined) continue;
    const isScript = path === 'meta/install.exp' || path === 'meta/uninstall.exp';
    const assigned = isScript ? assignedInScript(file.text) : new Set<string>();
    for (const { line, text } of numbered(file.text)) {
      if (isScript && line > 1 && /^\s*#/.test(text)) continue;
      for (const m of text.matchAll(PLACEHOLDER)) {
        const key = m[1] ?? '';
        if (HOST_VARIABLES.includes(key)) {
          const baked = defined.has(key);
          out.push(
            finding(
              'template-host-variable',
              baked ? 'error' : 'warning',
              path,
              line,
              baked
                ? `\${${key}} is replaced at build time by the value a Dockerfile ENV line, ENVIRONMENT or the environment of dam create gives it, not the host's value at install time.`
                : `\${${key}} is a host variable in a template: the day a source defines ${key}, its build-time value is baked in.`,
              `Write $${key} (without braces), which templates never touch, so the shell reads the host's value.`,
            ),
          );
        } else if (!defined.has(key) && !assigned.has(key)) {
          out.push(
            finding(
              'template-undefined-variable',
              'warning',
              path,
              line,
              `\${${key}} is defined by no source (ENVIRONMENT, Dockerfile ENV, DAM_* environment)${isScript ? ' nor set in the script' : ''}, so it stays as written.`,
              `Define ${key} in ENVIRONMENT, or write \${${key}:-default} or $${key} to leave it to the shell at install time.`,
            ),
          );
        }
      }
    }
  }
  return out;
}
