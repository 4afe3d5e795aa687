// `dam history`: the operations log of this state directory (src/cli/history.ts writes it).
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { table } from '../cli/table.js';
import { usageError } from '../core/errors.js';
import type { HistoryEntry } from '../core/history.js';
import type { HistoryOptions } from './history.command.js';

const change = (c: HistoryEntry['changes'][number]) =>
  c.from === null ? `+${c.app}:${c.to}` : c.to === null ? `-${c.app}:${c.from}` : `${c.app}:${c.from}->${c.to}`;

function row(e: HistoryEntry): string[] {
  const who = e.sudoUser ? `${e.user} (for ${e.sudoUser})` : e.user;
  const result = e.result === 'ok' ? 'ok' : `failed (${e.exitCode})`;
  const what = [...e.changes.map(change), ...e.overrides].join(' ') || '-';
  return [e.start.replace('T', ' ').slice(0, 19), who, `dam ${e.commandLine.join(' ')}`, result, what];
}

export async function run(ctx: Context, { opts }: CommandInput<HistoryOptions>): Promise<CommandResult> {
  let entries = await (await ctx.history()).read();
  if (opts.last !== undefined) {
    const n = Number(opts.last);
    if (!Number.isInteger(n) || n <= 0)
      throw usageError(
        `--last takes a positive whole number, not '${String(opts.last)}'.`,
        'Example: dam history --last 10',
      );
    entries = entries.slice(-n);
  }
  const text = entries.length
    ? table(['TIME (UTC)', 'USER', 'COMMAND', 'RESULT', 'CHANGES AND OVERRIDES'], entries.map(row))
    : 'No operations are recorded yet.\n';
  return { data: { schemaVersion: 1, entries }, text };
}
