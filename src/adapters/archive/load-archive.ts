// Installing from an archive in one pass over the file: verify it, extract /meta and stream its layers into
// the engine's load at the same time, through a docker-save stream DAM writes itself (save-stream.ts). The
// engine gets DAM's config and manifest.json, and the end of the stream, only once every check and the
// caller's `beforeLoad` have passed (see held-back.ts and decision 0005).
import type { Engine, ProgressListener } from '../../core/ports/engine.js';
import type { Archives, ArchiveImage } from '../../core/ports/host.js';
import { extractMetaFromLayers } from './read-archive.js';
import { HeldBackStream } from './held-back.js';
import { SaveStream } from './save-stream.js';
import { writeDam } from './write-dam.js';

/** More than the last tar blocks: the engine cannot finish without them. */
const HOLD_BYTES = 1 << 20;

export interface ArchiveLoadOptions {
  progress: () => { listener: ProgressListener; done(): void };
  /** Free bytes where the engine keeps its images; undefined when unknown. */
  freeBytes?: () => Promise<number | undefined>;
}

const asError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));

export function engineArchives(engine: Engine, options: ArchiveLoadOptions): Archives {
  return {
    save: (imageRef, saveOptions) => writeDam(engine, imageRef, saveOptions),
    async verifyAndLoad(path, metaDir, beforeLoad, signal, load = {}): Promise<ArchiveImage> {
      const freeBytes = await options.freeBytes?.();
      const held = new HeldBackStream(HOLD_BYTES);
      const save = new SaveStream((chunk) => held.write(chunk));
      const shown = options.progress();
      const loading = engine.load(held.readable, { signal, onProgress: shown.listener });
      // A load that fails early stops the verification too, instead of leaving it waiting on the engine.
      loading.catch((err: unknown) => held.abandon(asError(err)));
      let image: ArchiveImage;
      try {
        const scanned = await extractMetaFromLayers(path, metaDir, {
          signal,
          forward: save,
          sha256: load.sha256 === true,
          ...(freeBytes !== undefined ? { freeBytes } : {}),
        });
        const { info } = scanned;
        image = {
          path: info.path,
          tags: info.tags,
          imageId: info.imageId,
          labels: info.labels,
          size: info.size,
          ...(scanned.sha256 !== undefined ? { sha256: scanned.sha256 } : {}),
        };
        await beforeLoad(image);
        await save.finish([
          { config: scanned.load!.config, imageId: info.imageId, tags: info.tags, layers: scanned.load!.layers },
        ]);
      } catch (err) {
        save.abort(asError(err));
        held.abandon(asError(err));
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
