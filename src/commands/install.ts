import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { install, type InstallResult } from '../app/install.js';
import { planInstall, planText } from '../app/dry-run.js';
import type { InstallOptions } from './install.command.js';

const HOW: Record<string, string> = {
  state: 'from the installed apps',
  'file-name': 'from the archive file name, without reading it',
  'archive-manifest': "from the archive's manifest",
};

export async function run(ctx: Context, { args, opts }: CommandInput<InstallOptions>): Promise<CommandResult> {
  const deps = await ctx.lifecycle(opts);
  const reinstall = opts.reinstall === true;
  if (opts.dryRun === true) {
    const plan = await planInstall(deps, args, reinstall);
    return { data: plan, text: planText(plan) };
  }
  const results: InstallResult[] = [];
  for (const arg of args) {
    ctx.log.info(`Installing ${arg}`);
    const result = await install(deps, arg, { reinstall });
    if (result.alreadyInstalled) {
      ctx.log.success(
        `App '${result.app.name}:${result.app.version}' is already installed (known ${HOW[result.alreadyInstalled]}); nothing to do. Use --reinstall to run its scripts again.`,
      );
    } else {
      if (result.addedRepo) ctx.log.info(`Added repository '${result.addedRepo}' for ${result.app.tag}.`);
      ctx.log.success(`App '${result.app.tag}' was ${result.reinstalled ? 'reinstalled' : 'installed'}.`);
    }
    results.push(result);
  }
  const changed = results.filter((r) => !r.alreadyInstalled);
  return {
    history: {
      plan: { install: args, reinstall, signatures: results.flatMap((r) => r.signatures ?? []) },
      changes: changed.map((r) => ({ app: r.app.name, from: r.reinstalled?.version ?? null, to: r.app.version })),
    },
    data: results.map((r) => ({
      ...r.app,
      source: r.source,
      addedTags: r.addedTags,
      alreadyInstalled: r.alreadyInstalled !== undefined,
      ...(r.alreadyInstalled ? { decidedFrom: r.alreadyInstalled } : {}),
      reinstalled: r.reinstalled !== undefined,
    })),
  };
}
