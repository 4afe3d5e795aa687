// Copies an image's `/meta` folder to the host through a container that is created, never started, and
// always removed, then unpacks it safely (see safe-extract).
import type { Engine } from '../../core/ports/engine.js';
import { DamError, isDamError } from '../../core/errors.js';
import { safeExtract } from '../fs/safe-extract.js';

import { TEMPORARY_LABEL } from '../../core/app-labels.js';

export { TEMPORARY_LABEL };

export interface CopyMetaOptions {
  /** Extra labels for the temporary container (e.g. the test label); `dam.temporary=true` is always set. */
  labels?: Record<string, string>;
  /** Replace `destDir` when it exists; otherwise CONFLICT. */
  replace?: boolean;
}

/**
 * Writes the image's `/meta` into `destDir` (created atomically). NOT_FOUND when the image has no `/meta`;
 * ARCHIVE_INVALID when an entry would escape the folder or is a device or FIFO. The temporary container is
 * removed whatever happens.
 */
export async function copyMetaFromImage(
  engine: Engine,
  imageRef: string,
  destDir: string,
  options: CopyMetaOptions = {},
): Promise<{ entries: number }> {
  const id = await engine.createContainer({
    image: imageRef,
    labels: { ...options.labels, [TEMPORARY_LABEL]: 'true' },
    cmd: [''],
  });
  let failed = false;
  try {
    let stream;
    try {
      stream = await engine.copyFromContainer(id, '/meta');
    } catch (err) {
      if (isDamError(err, 'NOT_FOUND')) {
        throw new DamError(
          'NOT_FOUND',
          `The image '${imageRef}' has no /meta folder.`,
          'A DAM app image carries /meta/install and /meta/uninstall; build it with `dam create`.',
          { cause: err },
        );
      }
      throw err;
    }
    return await safeExtract(stream, destDir, {
      strip: 'meta',
      replace: options.replace,
      source: `the /meta folder of image '${imageRef}'`,
    });
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    // A failure to remove must not hide the error that brought us here.
    await engine.removeContainer(id).catch((err: unknown) => {
      if (!failed) throw err;
    });
  }
}
