// Validation of the names a user types. DAM 1.x used unanchored regexes, so `;`, `/` and spaces slipped
// into its database; these rules are anchored and each failure names the input and the rule.
import { DamError } from './errors.js';
import { escapeControls } from './escape.js';

const FORBIDDEN = /[;/\s\p{Cc}]/u;

function check(kind: string, value: string, pattern: RegExp, rule: string): string {
  if (value.length === 0) throw new DamError('INVALID_NAME', `The ${kind} is empty.`, `Give a ${kind}: ${rule}.`);
  if (FORBIDDEN.test(value) || !pattern.test(value)) {
    throw new DamError('INVALID_NAME', `The ${kind} '${printable(value)}' is not valid.`, `A ${kind} ${rule}.`);
  }
  return value;
}

/** Shows control characters as escapes so an error message can never rewrite the terminal. */
export function printable(value: string): string {
  return escapeControls(value, 'none');
}

export function validateRepoName(name: string): string {
  check(
    'repository name',
    name,
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/,
    'has 1 to 63 letters, digits, `_`, `.` or `-`, starting with a letter or digit',
  );
  if (/^-?\d+$/.test(name)) {
    throw new DamError(
      'INVALID_NAME',
      `The repository name '${name}' is a number.`,
      'Repository names cannot be numbers, since numbers are ids. Add a letter.',
    );
  }
  return name;
}

/** App names become the last path component of an image reference, so Docker's rules apply. */
export function validateAppName(name: string): string {
  return check(
    'app name',
    name,
    /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/,
    'uses lower-case letters, digits and single `.`, `_` or `-` between them (Docker image name rules)',
  );
}

/** Versions become image tags. */
export function validateVersion(version: string): string {
  return check(
    'version',
    version,
    /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/,
    'is a Docker tag: up to 128 letters, digits, `_`, `.` or `-`, not starting with `.` or `-`',
  );
}

export function validateFamily(family: string): string {
  return check(
    'family',
    family,
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/,
    'has up to 128 letters, digits, `_`, `.` or `-`, starting with a letter or digit',
  );
}

export function validateUsername(username: string): string {
  return check('user name', username, /^[^:]{1,255}$/, 'has 1 to 255 characters and no `:`');
}

export function parseId(text: string, kind: string): number {
  if (!/^\d{1,9}$/.test(text)) {
    throw new DamError(
      'USAGE',
      `The ${kind} id '${printable(text)}' is not a number.`,
      `Give the numeric id shown by the list command.`,
    );
  }
  return Number(text);
}
