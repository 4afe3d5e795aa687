// Whether what `dam install` was given is already installed, decided cheaply before anything is read or
// pulled: from the state for `name:version` or a tag, from the file name for a `.dam` archive. Pure.
import { parseDamName } from './archive/dam-name.js';
import { appNameOf, resolveAppRef } from './ref.js';
import { defaultRepo, repoPrefix, type InstalledApp, type State } from './state.js';

export type DecidedFrom = 'state' | 'file-name' | 'archive-manifest';

export interface AlreadyInstalled {
  app: InstalledApp;
  /** How DAM knew: the state (a name or tag), the `.dam` file name, or the archive's manifest once read. */
  decidedFrom: DecidedFrom;
}

/** `fileName` is the base name when `text` names an existing file. */
export function findAlreadyInstalled(
  state: State,
  text: string,
  fileName: string | undefined,
): AlreadyInstalled | undefined {
  const same = (name: string, version: string) => state.apps.find((a) => a.name === name && a.version === version);
  if (fileName !== undefined) {
    const parsed = parseDamName(fileName);
    const app = parsed && same(parsed.name, parsed.version);
    return app ? { app, decidedFrom: 'file-name' } : undefined;
  }
  let name: string;
  let version: string;
  try {
    const ref = resolveAppRef(text, repoPrefix(defaultRepo(state)));
    name = appNameOf(ref);
    version = ref.tag;
  } catch {
    // Not a valid reference: the install itself reports it, with its hint.
    return undefined;
  }
  const app = same(name, version);
  return app ? { app, decidedFrom: 'state' } : undefined;
}
