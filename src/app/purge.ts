// `dam purge`: plan which images go (see core/purge-plan.ts), then remove them, holding the state lock so
// that no install adds an image between the plan and its application.
import { isDamError } from '../core/errors.js';
import { planPurge, type PurgeOptions, type PurgePlan } from '../core/purge-plan.js';
import type { Engine } from '../core/ports/engine.js';
import type { Store } from '../core/ports/store.js';
import type { Reporter } from './lifecycle-deps.js';

export interface PurgeResult extends PurgePlan {
  removed: string[];
  failed: Array<{ id: string; error: string }>;
  dryRun: boolean;
}

export async function purge(deps: { engine: Engine; store: Store; report: Reporter }, options: PurgeOptions & { dryRun: boolean }): Promise<PurgeResult> {
  return deps.store.transaction('purge', async (tx) => {
    const [images, containers] = await Promise.all([deps.engine.listImages(), deps.engine.listContainers({ all: true })]);
    const plan = planPurge(images, new Set(containers.map((c) => c.imageId)), tx.state, options);
    const result: PurgeResult = { ...plan, removed: [], failed: [], dryRun: options.dryRun };
    if (options.dryRun) return result;
    for (const item of plan.remove) {
      try {
        // Forced, so that an image with several tags goes at once; images used by containers were excluded.
        await deps.engine.removeImage(item.id, { force: true });
        result.removed.push(item.id);
        deps.report.info(`Removed ${item.tags.join(', ') || item.id.slice(0, 19)}`);
      } catch (err) {
        if (isDamError(err, 'NOT_FOUND')) continue;
        result.failed.push({ id: item.id, error: err instanceof Error ? err.message : String(err) });
        deps.report.warn(`Could not remove ${item.tags.join(', ') || item.id}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return result;
  });
}
