import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { table } from '../cli/table.js';
import { purge } from '../app/purge.js';

export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

export async function run(ctx: Context, { opts }: CommandInput): Promise<CommandResult> {
  const engine = await ctx.engine();
  const dryRun = opts.dryRun === true;
  const result = await purge({ engine, store: ctx.store(), report: ctx.log }, { all: opts.all === true, keepPrevious: opts.keepPrevious !== false, dryRun });
  const rows = result.remove.map((i) => [i.id.replace(/^sha256:/, '').slice(0, 12), i.tags.join(', ') || '<untagged>', formatBytes(i.size)]);
  const heading = dryRun ? `Would remove ${result.remove.length} image(s), freeing up to ${formatBytes(result.bytes)}:` : `Removed ${result.removed.length} image(s), freeing up to ${formatBytes(result.bytes)}; kept ${result.keep.length}.`;
  const text = `${heading}\n${rows.length ? table(['IMAGE', 'TAGS', 'SIZE'], rows) : ''}`;
  return { data: result, text, exitCode: result.failed.length ? 1 : 0 };
}
