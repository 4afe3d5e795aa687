// Line helpers shared by the rules: 1-based line numbers, and Dockerfile instructions with the line each
// starts on.

export interface NumberedLine {
  line: number;
  text: string;
}

export function numbered(text: string): NumberedLine[] {
  return text.split('\n').map((t, i) => ({ line: i + 1, text: t.endsWith('\r') ? t.slice(0, -1) : t }));
}

/** Logical lines (`\` continuations joined, comments and blanks dropped), each with its first line. */
export function logicalLines(text: string, comment = /^\s*#/): NumberedLine[] {
  const out: NumberedLine[] = [];
  let pending: NumberedLine | undefined;
  for (const { line, text: raw } of numbered(text)) {
    if (comment.test(raw)) continue;
    const part = raw.trimEnd();
    const start = pending ?? { line, text: '' };
    if (part.endsWith('\\')) {
      pending = { line: start.line, text: `${start.text}${part.slice(0, -1)} ` };
      continue;
    }
    pending = undefined;
    const joined = `${start.text}${part}`.trim();
    if (joined) out.push({ line: start.line, text: joined });
  }
  if (pending?.text.trim()) out.push({ line: pending.line, text: pending.text.trim() });
  return out;
}

/** The script DAM will run: the rendered template when there is one, else the plain file. */
export function scriptPath(meta: Record<string, unknown>, script: string): string | undefined {
  const candidates = [`meta/${script}.exp`, `meta/${script}`];
  return candidates.find((p) => Object.hasOwn(meta, p));
}
