// The tags an app archive may give its image: the app's own `name:version`, on any registries. A load sets
// every tag in its manifest, so any other tag would move another app's (or any image's) tag.
import { DamError, isDamError } from '../errors.js';
import { formatRef, parseRef, type ImageRef } from '../ref.js';

function refOf(tag: string, source: string): ImageRef {
  try {
    return parseRef(tag);
  } catch (err) {
    if (!isDamError(err)) throw err;
    throw new DamError(
      'ARCHIVE_INVALID',
      `The archive '${source}' tags its image '${tag}', which is not a valid app tag.`,
      'Save the app again with dam save, or docker save NAME:VERSION.',
    );
  }
}

/** Throws ARCHIVE_INVALID unless every tag names the same repository path and version as the first. */
export function checkOneAppTags(tags: readonly string[], source: string): void {
  const [first, ...rest] = tags.map((t) => refOf(t, source));
  if (!first) return;
  for (const ref of rest) {
    if (ref.path !== first.path || ref.tag !== first.tag) {
      throw new DamError(
        'ARCHIVE_INVALID',
        `The archive '${source}' holds ${formatRef(first)} but also tags it ${formatRef(ref)}, which is another app or version.`,
        "An app archive tags its image with the app's own name and version only; save it again with dam save APP.",
      );
    }
  }
}
