// The rules that decide, before anything changes, whether an app may go onto the host. Pure.
import { DamError } from './errors.js';
import type { InstalledApp, State } from './state.js';
import { validateFamily } from './validate.js';

export interface Candidate {
  name: string;
  version: string;
  family: string;
  multiversion: boolean;
}

/**
 * DAM 1.x's family rule: an app whose family is already installed is refused unless its own multiversion
 * label is true. The same name:version is never installed twice. `replacing` is the app an upgrade replaces.
 */
export function checkInstallable(state: State, app: Candidate, replacing?: InstalledApp): void {
  validateFamily(app.family);
  const others = state.apps.filter((a) => a.id !== replacing?.id);
  const same = others.find((a) => a.name === app.name && a.version === app.version);
  if (same) {
    throw new DamError(
      'CONFLICT',
      `${app.name}:${app.version} is already installed.`,
      `Nothing to do. To run its scripts again: dam install ${app.name}:${app.version} --reinstall`,
    );
  }
  if (app.multiversion) return;
  const rival = others.find((a) => a.family === app.family);
  if (rival) {
    throw new DamError(
      'CONFLICT',
      `${app.name}:${app.version} belongs to the family '${app.family}', of which ${rival.name}:${rival.version} is installed.`,
      rival.name === app.name
        ? `Upgrade instead: dam upgrade ${app.name}:${app.version}`
        : `Remove ${rival.name}:${rival.version} first, or build the app with --multiversion.`,
    );
  }
}

/** Finds one installed app from `name`, `name:version` or a full tag. */
export function findInstalled(state: State, text: string): InstalledApp {
  const byTag = state.apps.filter((a) => a.tag === text);
  if (byTag.length === 1 && byTag[0]) return byTag[0];
  const base = text.slice(text.lastIndexOf('/') + 1);
  const colon = base.indexOf(':');
  const name = colon === -1 ? base : base.slice(0, colon);
  const version = colon === -1 ? undefined : base.slice(colon + 1);
  const matches = state.apps.filter((a) => a.name === name && (version === undefined || a.version === version));
  if (matches.length === 0) {
    throw new DamError('NOT_FOUND', `No installed app matches '${text}'.`, "Run 'dam list' to see the installed apps.");
  }
  if (matches.length > 1 || !matches[0]) {
    throw new DamError(
      'CONFLICT',
      `Several versions of '${name}' are installed: ${matches.map((a) => a.version).join(', ')}.`,
      `Name one: dam remove ${name}:<version>`,
    );
  }
  return matches[0];
}
