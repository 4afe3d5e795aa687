// What the completion scripts offer, drawn from the command table so that they never drift from the real
// commands and flags. A value kind is a word list, or `@file`, `@dir`, or `@KIND` for `dam __complete KIND`
// (installed apps, repos, signing keys, trusted keys), read from the state directory the user named.
import { COMMANDS } from './commands.js';
import type { CommandSpec } from './spec.js';

/** The kinds of each positional argument; the last one repeats. */
const POSITIONAL: Record<string, string[][]> = {
  install: [['@apps', '@file']],
  remove: [['@apps']],
  upgrade: [['@apps']],
  save: [['@apps']],
  push: [['@apps']],
  info: [['@apps', '@file']],
  modifyrepo: [['@repos']],
  removerepo: [['@repos']],
  key: [['generate', 'list', 'export-public'], ['@keys']],
  trust: [
    ['add', 'list', 'remove'],
    ['@trusted', '@file'],
  ],
  sign: [['@keys', '@file'], ['@file']],
  import: [['@file']],
  export: [['@file']],
  inventory: [['@file']],
  create: [['@dir']],
  completion: [['bash', 'zsh', 'fish']],
};

/** What follows an option that takes a value. Options not listed here get no suggestion. */
const OPTION_VALUES: Record<string, string[]> = {
  '--home': ['@dir'],
  '--repo': ['@repos'],
  '--sign': ['@keys', '@file'],
  '--ca-file': ['@file'],
  '--delta': ['@file'],
  '--signature': ['@file'],
  '--output': ['@file'],
  '-o': ['@file'],
  '--f': ['@file'],
  '--format': ['text', 'json'],
  '--compress': ['gzip', 'zstd', 'none'],
};

export const GLOBAL_FLAGS = ['--home', '--debug', '-x', '--quiet', '-q', '--no-color', '--version', '-V', '--help'];

export interface CompletionCommand {
  names: string[];
  summary: string;
  flags: string[];
  positional: string[][];
}

function longFlags(flags: string): string[] {
  return [...flags.matchAll(/--[a-z][a-z0-9-]*/g)].map((m) => m[0]);
}

export function visibleCommands(): CommandSpec[] {
  return COMMANDS.filter((c) => !c.hidden);
}

export function completionCommands(): CompletionCommand[] {
  return visibleCommands().map((spec) => ({
    names: [spec.name, ...(spec.aliases ?? [])],
    summary: spec.summary,
    flags: [
      '--help',
      ...(spec.json ? ['--json'] : []),
      ...(spec.options ?? []).filter((o) => !o.hidden).flatMap((o) => longFlags(o.flags)),
    ],
    positional: POSITIONAL[spec.name] ?? [],
  }));
}

/** Every flag that takes a value (so the next word is its value, not an argument), with what to offer. */
export function valueOptions(): Map<string, string[]> {
  const out = new Map<string, string[]>([['--home', OPTION_VALUES['--home'] ?? []]]);
  for (const spec of COMMANDS) {
    for (const o of spec.options ?? []) {
      if (!o.flags.includes('<')) continue;
      for (const flag of o.flags.match(/-{1,2}[A-Za-z][A-Za-z0-9-]*/g) ?? []) out.set(flag, OPTION_VALUES[flag] ?? []);
    }
  }
  return out;
}
