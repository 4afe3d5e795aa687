// Does the Dockerfile copy the project's meta/ to /meta? 1.x matched `COPY .* /meta` anywhere in a line,
// which also accepted `/metadata` and commented-out lines. Here: a real COPY or ADD instruction (any case,
// flags such as --chown allowed, shell or JSON form, continuation lines joined) whose destination is
// exactly `/meta` or `/meta/`.

const SHELL_FORM = /^(?:COPY|ADD)\s+(?:--\S+\s+)*\S.*\s\/meta\/?$/i;
const JSON_FORM = /^(?:COPY|ADD)\s+(?:--\S+\s+)*\[.*,\s*"\/meta\/?"\s*\]$/i;

export function copiesMeta(dockerfile: string): boolean {
  return instructions(dockerfile).some((line) => SHELL_FORM.test(line) || JSON_FORM.test(line));
}

/** Logical lines: comments dropped, `\` continuations joined, outer whitespace trimmed. */
export function instructions(dockerfile: string): string[] {
  const out: string[] = [];
  let pending = '';
  for (const raw of dockerfile.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const joined = (pending + line).trim();
    pending = '';
    if (joined) out.push(joined);
  }
  if (pending.trim()) out.push(pending.trim());
  return out;
}
