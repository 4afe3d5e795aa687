// Installing from an archive in one pass over the file: verify and extract /meta while streaming into the
// engine's load, the end held back until the caller's checks pass (see held-back.ts and decision 0005).
import type { Engine, ProgressListener } from '../../core/ports/engine.js';
import type { Archives, ArchiveImage } from '../../core/ports/host.js';
import { extractMetaFromLayers } from './read-archive.js';
import { HeldBackStream } from './held-back.js';

/** More than the compressed size of any archive's last tar blocks: the engine cannot finish without them. */
const HOLD_BYTES = 1 << 20;

export function engineArchives(engine: Engine, progress: () => { listener: ProgressListener; done(): void }): Archives {
  return {
    async verifyAndLoad(path, metaDir, beforeLoad, signal): Promise<ArchiveImage> {
      const held = new HeldBackStream(HOLD_BYTES);
      const shown = progress();
      const loading = engine.load(held.readable, { signal, onProgress: shown.listener });
      // A load that fails early stops the verification too, instead of leaving it waiting on the engine.
      loading.catch((err: unknown) => held.abandon(err instanceof Error ? err : new Error(String(err))));
      let image: ArchiveImage;
      try {
        const info = await extractMetaFromLayers(path, metaDir, { signal, mirror: (chunk) => held.write(chunk) });
        image = { path: info.path, tags: info.tags, imageId: info.imageId, labels: info.labels, size: info.size };
        await beforeLoad(image);
      } catch (err) {
        held.abandon(err instanceof Error ? err : new Error(String(err)));
        await loading.catch(() => undefined);
        shown.done();
        throw err;
      }
      held.release();
      try {
        await loading;
      } finally {
        shown.done();
      }
      return image;
    },
  };
}
