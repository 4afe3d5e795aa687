import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { lifecycleDeps } from '../cli/lifecycle.js';
import { upgrade } from '../app/upgrade.js';

export async function run(ctx: Context, { args, opts }: CommandInput): Promise<CommandResult> {
  const deps = await lifecycleDeps(ctx, opts);
  const result = await upgrade(deps, args[0] ?? '');
  ctx.log.success(`Upgraded ${result.from.name} from ${result.from.version} to ${result.to.version}.`);
  return { data: result };
}
