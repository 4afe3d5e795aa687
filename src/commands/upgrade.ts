import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { newestVersion, upgrade } from '../app/upgrade.js';
import { classifyArgument } from '../core/repo-resolution.js';
import { planText, planUpgrade } from '../app/dry-run.js';
import type { UpgradeOptions } from './upgrade.command.js';

export async function run(ctx: Context, { args, opts }: CommandInput<UpgradeOptions>): Promise<CommandResult> {
  const deps = await ctx.lifecycle(opts);
  let target = args[0] ?? '';
  // A bare name (no version, not a file): the newest version its repo has.
  if (classifyArgument(target, (await deps.dirs.isFile(target)) ? 'regular' : undefined) === 'bare-name') {
    const newest = await newestVersion(deps, target);
    if (!newest.tag) {
      ctx.log.info(`${newest.app.name}:${newest.app.version} is the newest version its repository has; nothing to do.`);
      return { data: { from: newest.app, to: null } };
    }
    ctx.log.info(`Newest version in the repository: ${newest.tag}`);
    target = newest.tag;
  }
  if (opts.dryRun === true) {
    const plan = await planUpgrade(deps, args[0] ?? '', target);
    return { data: plan, text: planText(plan) };
  }
  const result = await upgrade(deps, target);
  ctx.log.success(`Upgraded ${result.from.name} from ${result.from.version} to ${result.to.version}.`);
  return {
    data: result,
    history: {
      plan: { upgrade: `${result.from.name}:${result.from.version}`, to: `${result.to.name}:${result.to.version}` },
      changes: [{ app: result.to.name, from: result.from.version, to: result.to.version }],
    },
  };
}
