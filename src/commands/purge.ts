import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { table } from '../cli/table.js';
import { confirm } from '../cli/confirm.js';
import { usageError } from '../core/errors.js';
import type { PurgeItem } from '../core/purge-plan.js';
import { purge } from '../app/purge.js';
import { formatBytes } from '../core/bytes.js';
import type { PurgeOptions } from './purge.command.js';

const rowsOf = (items: PurgeItem[]) =>
  items.map((i) => [i.id.replace(/^sha256:/, '').slice(0, 12), i.tags.join(', ') || '<untagged>', formatBytes(i.size)]);

export async function run(ctx: Context, { opts }: CommandInput<PurgeOptions>): Promise<CommandResult> {
  if (opts.all !== undefined) {
    throw usageError(
      '--all is no longer offered: purge removes only the images this state directory acquired.',
      "Remove other images with 'docker image rm' (see 'dam purge --help').",
    );
  }
  const engine = await ctx.engine();
  const dryRun = opts.dryRun === true;
  const ask = async (plan: { remove: PurgeItem[]; bytes: number }) => {
    if (opts.yes === true || opts.force === true) return true;
    process.stderr.write(`${table(['IMAGE', 'TAGS', 'SIZE'], rowsOf(plan.remove))}`);
    return confirm(ctx, `Remove these ${plan.remove.length} image(s), up to ${formatBytes(plan.bytes)}?`, '--yes');
  };
  const result = await purge(
    { engine, store: ctx.store(), report: ctx.log },
    { keepPrevious: opts.keepPrevious !== false, dryRun, confirm: ask },
  );
  if (result.cancelled) ctx.log.info('Purge cancelled; nothing was removed.');
  const removed = result.remove.filter((i) => result.removed.includes(i.id));
  const rows = rowsOf(dryRun ? result.remove : removed);
  const heading = dryRun
    ? `Would remove ${result.remove.length} image(s); total reclaimable space: up to ${formatBytes(result.bytes)}.`
    : `Removed ${result.removed.length} image(s); total reclaimed space: up to ${formatBytes(result.freedBytes)}; kept ${result.keep.length}.`;
  const text = `${rows.length ? table(['IMAGE', 'TAGS', 'SIZE'], rows) : ''}${heading}\n`;
  const history = {
    plan: {
      remove: result.remove.map((i) => ({ id: i.id, tags: i.tags, size: i.size })),
      keepPrevious: opts.keepPrevious !== false,
      removed: result.removed,
      freedBytes: result.freedBytes,
    },
  };
  return { data: result, text, history, exitCode: result.failed.length ? 1 : 0 };
}
