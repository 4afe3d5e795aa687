import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { remove } from '../app/remove.js';
import { planRemove, planText } from '../app/dry-run.js';
import type { RemoveOptions } from './remove.command.js';

export async function run(ctx: Context, { args, opts }: CommandInput<RemoveOptions>): Promise<CommandResult> {
  const deps = await ctx.lifecycle(opts);
  if (opts.dryRun === true) {
    const plan = await planRemove(deps, args[0] ?? '');
    return { data: plan, text: planText(plan) };
  }
  const result = await remove(deps, args[0] ?? '', opts.force === true);
  ctx.log.success(
    `App '${result.app.name}:${result.app.version}' was removed${result.forcedAfter ? ' (forced: its uninstall script failed)' : ''}.`,
  );
  return {
    history: {
      plan: { remove: `${result.app.name}:${result.app.version}` },
      changes: [{ app: result.app.name, from: result.app.version, to: null }],
    },
    data: { removed: result.app, forced: result.forcedAfter !== undefined, scriptError: result.forcedAfter ?? null },
  };
}
