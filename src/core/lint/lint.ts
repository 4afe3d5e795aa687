// `dam lint` as a pure function: every rule over what was read, findings in file and line order.
import { copiesMeta } from '../create/dockerfile.js';
import { dockerfileRules } from './dockerfile.js';
import { labelRules } from './labels.js';
import { nameRules } from './names.js';
import { scriptRules } from './scripts.js';
import { templateRules } from './templates.js';
import { type Finding, type LintSubject, finding } from './types.js';
import { undoRules } from './undo.js';

function layoutRules(s: LintSubject): Finding[] {
  if (s.kind !== 'project')
    return s.metaIsDir
      ? []
      : [
          finding(
            'project-layout',
            'error',
            '/meta',
            null,
            'The image has no /meta folder, so it is not a DAM app.',
            'Build it with `dam create` from a project whose Dockerfile copies meta/ to /meta.',
          ),
        ];
  const out: Finding[] = [];
  if (!s.metaIsDir)
    out.push(
      finding(
        'project-layout',
        'error',
        'meta',
        null,
        'There is no meta/ folder.',
        'An app project has a meta/ folder holding install and uninstall (dam init writes one).',
      ),
    );
  if (s.dockerfile === undefined)
    out.push(
      finding(
        'project-layout',
        'error',
        'Dockerfile',
        null,
        'There is no Dockerfile.',
        'Add a Dockerfile that copies meta/ to /meta (dam init writes one).',
      ),
    );
  else if (!copiesMeta(s.dockerfile))
    out.push(
      finding(
        'project-layout',
        'error',
        'Dockerfile',
        null,
        'The Dockerfile has no COPY or ADD of meta to /meta.',
        'Add the line: COPY meta /meta',
      ),
    );
  return out;
}

const RULES = [layoutRules, scriptRules, templateRules, dockerfileRules, undoRules, labelRules, nameRules];

export function lint(subject: LintSubject): Finding[] {
  const all = RULES.flatMap((rule) => rule(subject));
  return all.sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0));
}

export function errorsOf(findings: Finding[]): Finding[] {
  return findings.filter((f) => f.severity === 'error');
}

/** One line per finding, as compilers print them: `file:line: severity rule: message`, then the hint. */
export function formatFinding(f: Finding, prefix = ''): string {
  return `${prefix}${f.file}${f.line === null ? '' : `:${f.line}`}: ${f.severity} ${f.rule}: ${f.message}\n  fix: ${f.hint}`;
}
