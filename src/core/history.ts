// The operations log, like apt's history.log: one JSON object per line, appended when an operation ends
// (docs/formats.md, "history.jsonl"). Pure: the entry's shape, how a line is read, what counts as an override.

import { fieldReader } from './json-fields.js';

export const HISTORY_FORMAT = 1;

/** An app whose installed version an operation changed: `from` null when installed, `to` null when removed. */
export interface HistoryChange {
  app: string;
  from: string | null;
  to: string | null;
}

export interface HistoryEntry {
  format: typeof HISTORY_FORMAT;
  /** ISO 8601, when the command started and ended. */
  start: string;
  end: string;
  user: string;
  uid: number | null;
  /** The user sudo ran DAM for, when it did (apt's Requested-By). */
  sudoUser?: string;
  /** The command line as typed, after `dam`. */
  commandLine: string[];
  command: string;
  result: 'ok' | 'failed';
  exitCode: number;
  error?: { code: string; message: string };
  /** What the operation set out to do, as the command's --dry-run would show it. */
  plan?: unknown;
  changes: HistoryChange[];
  /** Flags that overrode a safety check or a default: --force, --insecure-allow-unsigned, --allow-downgrade... */
  overrides: string[];
}

/** Option keys (as commander names them) that override a check, with the flag the user typed. */
const OVERRIDES: Array<[string, unknown, string]> = [
  ['insecureAllowUnsigned', true, '--insecure-allow-unsigned'],
  ['allowDowngrade', true, '--allow-downgrade'],
  ['force', true, '--force'],
  ['reinstall', true, '--reinstall'],
  ['yes', true, '--yes'],
  ['keepPrevious', false, '--no-keep-previous'],
  ['restore', true, '--restore'],
];

export function overridesOf(opts: Record<string, unknown>): string[] {
  return OVERRIDES.filter(([key, value]) => opts[key] === value).map(([, , flag]) => flag);
}

/** Reads one line; undefined for a line that is not an entry (a line cut by a crash), which readers skip. */
export function parseHistoryLine(line: string): HistoryEntry | undefined {
  try {
    const o = lineFields.object(JSON.parse(line), 'entry');
    if (o.format !== HISTORY_FORMAT) return undefined;
    lineFields.string(o, 'start', 'entry');
    lineFields.stringList(o.commandLine, 'entry.commandLine');
    return {
      ...o,
      changes: Array.isArray(o.changes) ? o.changes : [],
      overrides: Array.isArray(o.overrides) ? o.overrides : [],
    } as unknown as HistoryEntry;
  } catch {
    return undefined;
  }
}

/** The one field reader; any wrong field makes the line one to skip. */
const lineFields = fieldReader((path, problem) => {
  throw new Error(`${path} ${problem}`);
});
