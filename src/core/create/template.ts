// `.exp` templates: every `${KEY}` whose KEY is a known variable is replaced by its value, in one pass, so
// a value that contains `${...}` is never expanded again (1.x replaced key by key in map order, which made
// such values expand at random). Any other `${...}` is left alone, since install scripts are shell
// scripts. Line endings are kept as they are (1.x rewrote every line with `\n`).
import type { Vars } from './env-files.js';

export interface RenderResult {
  text: string;
  /** `DAM_*` placeholders left as they were because no source sets them. */
  missing: string[];
  /** `DAM_*` placeholders replaced by an empty value. */
  empty: string[];
}

// No `{` inside, so in `${A:-${B}}` the inner `${B}` is the placeholder.
const PLACEHOLDER = /\$\{([^{}]*)\}/g;
const DAM_KEY = /^DAM_[A-Za-z0-9_]*$/;

export function renderTemplate(text: string, vars: Vars): RenderResult {
  const missing = new Set<string>();
  const empty = new Set<string>();
  const rendered = text.replace(PLACEHOLDER, (whole, key: string) => {
    if (Object.hasOwn(vars, key)) {
      const value = vars[key] ?? '';
      if (value === '' && DAM_KEY.test(key)) empty.add(key);
      return value;
    }
    if (DAM_KEY.test(key)) missing.add(key);
    return whole;
  });
  return { text: rendered, missing: [...missing], empty: [...empty] };
}

/** `meta/x/y.exp` -> `meta/x/y`; undefined for files that are not templates. */
export function templateTarget(path: string): string | undefined {
  return path.endsWith('.exp') && path.length > 4 && !path.endsWith('/.exp') ? path.slice(0, -4) : undefined;
}
