// Comparing an installed app with what the engine and the host hold now. Pure: the caller looks things up.
import { sameImage } from './purge-plan.js';
import type { InstalledApp } from './state.js';

export interface AppFindings {
  /** The image id the engine has for the app's recorded id, or undefined when it has none. */
  image: string | undefined;
  /** The image the app's tag points at now, or undefined when the tag is gone. */
  tagTarget: string | undefined;
  /** The kept /meta copy's digests now, or undefined when the copy is missing. */
  meta: Record<string, string> | undefined;
}

export interface AppVerdict {
  name: string;
  version: string;
  tag: string;
  imageId: string;
  image: 'ok' | 'missing';
  tagState: 'ok' | 'missing' | 'moved';
  /** `not-recorded` for apps installed before DAM recorded the hashes: not a failure. */
  meta: 'ok' | 'changed' | 'missing' | 'not-recorded';
  problems: string[];
}

const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

function metaDifferences(recorded: Record<string, string>, now: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [path, digest] of Object.entries(recorded)) {
    if (now[path] === undefined) out.push(`${path} is missing`);
    else if (now[path] !== digest) out.push(`${path} changed`);
  }
  for (const path of Object.keys(now)) if (recorded[path] === undefined) out.push(`${path} was added`);
  return out;
}

export function verifyApp(app: InstalledApp, found: AppFindings, metaDir: string): AppVerdict {
  const v: AppVerdict = {
    name: app.name,
    version: app.version,
    tag: app.tag,
    imageId: app.imageId,
    image: 'ok',
    tagState: 'ok',
    meta: 'not-recorded',
    problems: [],
  };
  if (found.image === undefined || !sameImage(found.image, app.imageId)) {
    v.image = 'missing';
    v.problems.push(`its image ${short(app.imageId)} is not in the engine`);
  }
  if (found.tagTarget === undefined) {
    v.tagState = 'missing';
    v.problems.push(`the tag ${app.tag} does not exist`);
  } else if (!sameImage(found.tagTarget, app.imageId)) {
    v.tagState = 'moved';
    v.problems.push(
      `the tag ${app.tag} points at ${short(found.tagTarget)}, not at the installed image ${short(app.imageId)}`,
    );
  }
  if (app.metaDigests) {
    if (found.meta === undefined) {
      v.meta = 'missing';
      v.problems.push(`the kept /meta copy (${metaDir}) is missing`);
    } else {
      const diff = metaDifferences(app.metaDigests, found.meta);
      v.meta = diff.length ? 'changed' : 'ok';
      if (diff.length)
        v.problems.push(`the kept /meta copy (${metaDir}) differs from the installed one: ${diff.join(', ')}`);
    }
  }
  return v;
}
