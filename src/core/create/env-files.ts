// The textual variable sources of a DAM project, parsed exactly as DAM 1.x parses them
// (dam-1x-spec §5.2): no trimming, no quoting, no expansion, last assignment wins.

export type Vars = Record<string, string>;

/**
 * `<project>/ENVIRONMENT`: `#` at the start of a line is a comment; other lines are `KEY=VALUE`, split at
 * the first `=`; lines without `=` are ignored. `KEY = v` gives key `"KEY "` and value `" v"`, as in 1.x.
 */
export function parseEnvironmentFile(text: string): Vars {
  const vars: Vars = {};
  for (const line of splitLines(text)) {
    if (line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    setVar(vars, line.slice(0, eq), line.slice(eq + 1));
  }
  return vars;
}

/**
 * The Dockerfile's `ENV` lines, read as text: only lines that begin exactly with `ENV `; the rest splits at
 * the first `=` if it has one, else at the first space; a line with no value is ignored. So
 * `ENV A=1 B=2` gives `A="1 B=2"` and `ENV T t1 t2` gives `T="t1 t2"`, as in 1.x.
 */
export function parseDockerfileEnv(text: string): Vars {
  const vars: Vars = {};
  for (const line of splitLines(text)) {
    if (!line.startsWith('ENV ')) continue;
    const rest = line.slice(4);
    const eq = rest.indexOf('=');
    const cut = eq >= 0 ? eq : rest.indexOf(' ');
    if (cut < 0) continue;
    setVar(vars, rest.slice(0, cut), rest.slice(cut + 1));
  }
  return vars;
}

/** The process environment's `DAM_*` variables, full names kept. */
export function damEnvironment(env: Record<string, string | undefined>): Vars {
  const vars: Vars = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith('DAM_') && value !== undefined) vars[key] = value;
  }
  return vars;
}

/** Sources listed first win, the order of DAM 1.x's code: flags, ENVIRONMENT, Dockerfile ENV, DAM_* env. */
export function mergeVars(...highestFirst: Vars[]): Vars {
  const merged: Vars = {};
  for (const source of [...highestFirst].reverse()) Object.assign(merged, source);
  return merged;
}

// `__proto__` would set the object's prototype instead of a key; no real project names a variable so.
function setVar(vars: Vars, key: string, value: string): void {
  if (key !== '__proto__') vars[key] = value;
}

// Go's bufio.Scanner splits on \n and drops one trailing \r.
function splitLines(text: string): string[] {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.at(-1) === '') lines.pop();
  return lines;
}
