// Dockerfile traps: the ENV line DAM reads as one variable (dam-1x-spec §5.2), and syntax only BuildKit
// accepts, which the classic builder DAM uses (the engines we support, API 1.41) refuses.
import { type Finding, type LintSubject, finding } from './types.js';
import { logicalLines, numbered } from './text.js';

const BUILDKIT_FLAGS: [RegExp, string][] = [
  [/^RUN\s+(?:--\S+\s+)*--(mount|network|security)\b/i, 'RUN --$1'],
  [/^(?:COPY|ADD)\s+(?:--\S+\s+)*--(link|parents|exclude|chmod|checksum|keep-git-dir)\b/i, 'COPY/ADD --$1'],
  [/^(?:RUN|COPY|ADD)\s.*<<-?\s*["']?[A-Za-z_][A-Za-z0-9_]*["']?/i, 'a heredoc (<<EOF)'],
];

export function dockerfileRules(s: LintSubject): Finding[] {
  if (s.kind !== 'project' || s.dockerfile === undefined) return [];
  const out: Finding[] = [];
  for (const { line, text } of numbered(s.dockerfile)) {
    // DAM reads ENV lines as text, exactly as written (see env-files.ts).
    const rest = text.startsWith('ENV ') ? text.slice(4) : undefined;
    const eq = rest?.indexOf('=') ?? -1;
    if (rest !== undefined && eq > 0 && /\s[A-Za-z_][A-Za-z0-9_]*=/.test(rest.slice(eq + 1))) {
      const key = rest.slice(0, eq);
      out.push(
        finding(
          'dockerfile-env-pairs',
          'error',
          'Dockerfile',
          line,
          `'${text}' sets several variables; dam create (like DAM 1.x) reads it as ${key}='${rest.slice(eq + 1)}'.`,
          'Write one variable per ENV line: ENV A=1, then ENV B=2.',
        ),
      );
    }
    if (/^#\s*syntax\s*=/i.test(text)) {
      out.push(
        finding(
          'dockerfile-buildkit',
          'error',
          'Dockerfile',
          line,
          'A `# syntax=` directive selects a BuildKit frontend; the classic builder DAM uses cannot honour it.',
          'Remove the line, and any syntax that needs it.',
        ),
      );
    }
  }
  for (const { line, text } of logicalLines(s.dockerfile)) {
    for (const [re, what] of BUILDKIT_FLAGS) {
      const m = re.exec(text);
      if (!m) continue;
      const name = what.replace('$1', m[1] ?? '');
      out.push(
        finding(
          'dockerfile-buildkit',
          'error',
          'Dockerfile',
          line,
          `${name} needs BuildKit; the classic builder DAM uses refuses it.`,
          'Use plain RUN, COPY and ADD: e.g. RUN chmod after COPY, a script file instead of a heredoc.',
        ),
      );
    }
  }
  return out;
}
