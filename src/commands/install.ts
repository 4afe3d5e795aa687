import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { lifecycleDeps } from '../cli/lifecycle.js';
import { install, type InstallResult } from '../app/install.js';

export async function run(ctx: Context, { args, opts }: CommandInput): Promise<CommandResult> {
  const deps = await lifecycleDeps(ctx, opts);
  const results: InstallResult[] = [];
  for (const arg of args) {
    ctx.log.info(`Installing ${arg}`);
    const result = await install(deps, arg);
    if (result.addedRepo) ctx.log.info(`Added repository '${result.addedRepo}' for ${result.app.tag}.`);
    ctx.log.success(`App '${result.app.tag}' was installed.`);
    results.push(result);
  }
  return { data: results.map((r) => ({ ...r.app, source: r.source, addedTags: r.addedTags })) };
}
