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

/** The escape character the Dockerfile chose with a `# escape=` parser directive, else `\`. */
export function escapeCharacter(dockerfile: string): string {
  for (const raw of dockerfile.split(/\r?\n/)) {
    const m = /^#\s*([a-z]+)\s*=\s*(\S+)\s*$/i.exec(raw.trim());
    if (!m) break;
    if (m[1]?.toLowerCase() === 'escape' && (m[2] === '`' || m[2] === '\\')) return m[2];
  }
  return '\\';
}

export interface LabelledDockerfile {
  dockerfile: string;
  /** Labels a Dockerfile line cannot carry (control characters such as line breaks), left to the build API. */
  rest: Record<string, string>;
}

/**
 * The Dockerfile with one LABEL instruction appended for all the labels it can carry. The engine's classic
 * builder turns each label of the build API's `labels` parameter into a step of its own (one throw-away
 * container each); one instruction is one step. Keys and values are double-quoted with the escape character,
 * `"` and `$` escaped, so nothing in them is expanded.
 */
export function withLabelInstruction(dockerfile: string, labels: Record<string, string>): LabelledDockerfile {
  const escape = escapeCharacter(dockerfile);
  const quote = (s: string) =>
    `"${s.replace(/[\\`"$]/g, (c) => (c === escape || c === '"' || c === '$' ? `${escape}${c}` : c))}"`;
  const pairs: string[] = [];
  const rest: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (/\p{Cc}/u.test(key + value)) rest[key] = value;
    else pairs.push(`${quote(key)}=${quote(value)}`);
  }
  if (pairs.length === 0) return { dockerfile, rest };
  const ending = dockerfile === '' || dockerfile.endsWith('\n') ? '' : '\n';
  return { dockerfile: `${dockerfile}${ending}LABEL ${pairs.join(' ')}\n`, rest };
}

/**
 * The images the Dockerfile builds FROM, with `ARG` defaults declared before the first FROM (or the given
 * build args) expanded; earlier stages and `scratch` are not images. What cannot be expanded is left out.
 */
export function baseImages(dockerfile: string, buildArgs: Record<string, string> = {}): string[] {
  const args: Record<string, string> = {};
  const stages = new Set<string>();
  const bases: string[] = [];
  let seenFrom = false;
  for (const line of instructions(dockerfile)) {
    const arg = /^ARG\s+([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/i.exec(line);
    if (arg && !seenFrom) {
      const name = arg[1] ?? '';
      const value = buildArgs[name] ?? arg[2]?.replace(/^"(.*)"$/, '$1');
      if (value !== undefined) args[name] = value;
      continue;
    }
    const from = /^FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (!from) continue;
    seenFrom = true;
    let unknown = false;
    const image = (from[1] ?? '').replace(
      /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (_, a?: string, b?: string) => {
        const value = args[a ?? b ?? ''];
        if (value === undefined) unknown = true;
        return value ?? '';
      },
    );
    if (!unknown && image !== '' && image.toLowerCase() !== 'scratch' && !stages.has(image.toLowerCase()))
      bases.push(image);
    if (from[2]) stages.add(from[2].toLowerCase());
  }
  return [...new Set(bases)];
}
