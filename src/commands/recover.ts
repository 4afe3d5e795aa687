import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { recover } from '../app/recover.js';
import type { RecoverOptions } from './recover.command.js';

export async function run(ctx: Context, _input: CommandInput<RecoverOptions>): Promise<CommandResult> {
  const reports = await recover(await ctx.lifecycle());
  if (reports.length === 0) ctx.log.info('Nothing to recover: no operation was left unfinished.');
  for (const r of reports)
    ctx.log.success(
      `'${r.summary}': ${r.outcome === 'finished' ? 'finished' : 'rolled back'}${r.problems.length ? ` (with problems: ${r.problems.join('; ')})` : ''}.`,
    );
  const failed = reports.some((r) => r.problems.length > 0);
  return { data: reports, history: { plan: reports }, exitCode: failed ? 1 : 0 };
}
