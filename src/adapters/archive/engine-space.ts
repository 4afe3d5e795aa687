// Free space under the engine's root directory, when the engine runs on this host (a unix socket): what
// loading an archive may unpack to, at most.
import { statfs } from 'node:fs/promises';
import type { Engine } from '../../core/ports/engine.js';
import { unpackBound } from '../../core/archive/tar-frame.js';

/** unpackBound with the ratio DAM_MAX_UNPACK_RATIO sets, if any (read when used, not at load). */
export function unpackLimit(fileBytes: number, compressed: boolean, freeBytes?: number): number {
  const ratio = Number(process.env.DAM_MAX_UNPACK_RATIO) || undefined;
  return unpackBound(fileBytes, compressed, {
    ...(freeBytes !== undefined ? { freeBytes } : {}),
    ...(ratio ? { ratio } : {}),
  });
}

export async function engineFreeBytes(engine: Engine, dockerHost: string | undefined): Promise<number | undefined> {
  if (dockerHost && !dockerHost.startsWith('unix://')) return undefined;
  const { rootDir } = await engine.info();
  try {
    const s = await statfs(rootDir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}
