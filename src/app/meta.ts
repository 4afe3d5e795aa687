import { DamError } from '../core/errors.js';
import type { InstalledApp } from '../core/state.js';
import type { LifecycleDeps } from './lifecycle-deps.js';

/** Makes sure the app's meta copy exists (apps imported from DAM 1.x have none yet): copies it from the image. */
export async function ensureMeta(deps: LifecycleDeps, app: InstalledApp, metaDir: string): Promise<string> {
  if (await deps.dirs.exists(metaDir)) return metaDir;
  deps.report.info(
    `No kept copy of the meta of ${app.name}:${app.version}; reading it from image ${app.imageId.replace(/^sha256:/, '').slice(0, 12)}`,
  );
  try {
    await deps.meta.fromImage(app.imageId, metaDir);
  } catch (err) {
    throw new DamError(
      'NOT_FOUND',
      `The uninstall script of ${app.name}:${app.version} is not available: its meta copy is missing and its image cannot be read (${err instanceof Error ? err.message : String(err)}).`,
      `Use 'dam remove ${app.name}:${app.version} --force' to forget the app without running its uninstall script.`,
    );
  }
  return metaDir;
}
