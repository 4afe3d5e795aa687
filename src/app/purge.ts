// `dam purge`: plan which images go (see core/purge-plan.ts), ask, then remove them holding the state lock.
// The plan is made again under the lock and only images both plans list go, so an install that ran while
// the user was answering keeps its image.
import { isDamError } from '../core/errors.js';
import { forgetGone, planPurge, type PurgeItem, type PurgeOptions, type PurgePlan } from '../core/purge-plan.js';
import type { Engine } from '../core/ports/engine.js';
import type { Store } from '../core/ports/store.js';
import type { State } from '../core/state.js';
import type { Reporter } from './lifecycle-deps.js';

export interface PurgeResult extends PurgePlan {
  removed: string[];
  failed: Array<{ id: string; error: string }>;
  /** The sizes of the images removed, added up: an upper bound of the space freed (shared layers stay). */
  freedBytes: number;
  dryRun: boolean;
  /** The user answered no. */
  cancelled: boolean;
}

export interface PurgeDeps {
  engine: Engine;
  store: Store;
  report: Reporter;
}

async function planFor(deps: PurgeDeps, state: State, options: PurgeOptions): Promise<PurgePlan> {
  const [images, containers] = await Promise.all([deps.engine.listImages(), deps.engine.listContainers({ all: true })]);
  return planPurge(images, new Set(containers.map((c) => c.imageId)), state, options);
}

async function removeImages(deps: PurgeDeps, items: PurgeItem[], result: PurgeResult): Promise<void> {
  for (const item of items) {
    try {
      // Forced, so that an image with several tags goes at once; images used by containers were excluded.
      await deps.engine.removeImage(item.id, { force: true });
      result.removed.push(item.id);
      result.freedBytes += item.size;
      deps.report.info(`Removed ${item.tags.join(', ') || item.id.slice(0, 19)}`);
    } catch (err) {
      if (isDamError(err, 'NOT_FOUND')) continue;
      const error = err instanceof Error ? err.message : String(err);
      result.failed.push({ id: item.id, error });
      deps.report.warn(`Could not remove ${item.tags.join(', ') || item.id}: ${error}`);
    }
  }
}

/** `confirm` is asked only when there is something to remove and it is not a dry run. */
export async function purge(
  deps: PurgeDeps,
  options: PurgeOptions & { dryRun: boolean; confirm: (plan: PurgePlan) => Promise<boolean> },
): Promise<PurgeResult> {
  const shown = await planFor(deps, await deps.store.read(), options);
  const result: PurgeResult = {
    ...shown,
    removed: [],
    failed: [],
    freedBytes: 0,
    dryRun: options.dryRun,
    cancelled: false,
  };
  if (options.dryRun || shown.remove.length === 0) return result;
  if (!(await options.confirm(shown))) return { ...result, cancelled: true };
  return deps.store.transaction('purge', async (tx) => {
    const plan = await planFor(deps, tx.state, options);
    const agreed = plan.remove.filter((i) => shown.remove.some((s) => s.id === i.id));
    await removeImages(deps, agreed, result);
    // Forget the images that are gone, purged now or removed by hand, so the record does not grow forever.
    const present = (await deps.engine.listImages()).map((i) => i.id);
    const next = forgetGone(tx.state, present);
    if (next !== tx.state) await tx.write(next);
    return result;
  });
}
