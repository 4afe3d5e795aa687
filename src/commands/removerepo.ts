import { removeRepo } from '../core/repos.js';
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { repoView } from '../cli/repo-view.js';
import type { RemoverepoOptions } from './removerepo.command.js';

export async function run(ctx: Context, { args, opts }: CommandInput<RemoverepoOptions>): Promise<CommandResult> {
  const target = args[0] ?? '';
  const out = await ctx.store().update('removerepo', (state, credentials) => {
    const removed = removeRepo(state, target, opts.force === true);
    const passwords = { ...credentials.passwords };
    const hadPassword = passwords[String(removed.repo.id)] !== undefined;
    delete passwords[String(removed.repo.id)];
    return { state: removed.state, credentials: { ...credentials, passwords }, result: { ...removed, hadPassword } };
  });
  ctx.log.success(`Removed repository '${out.repo.name}' (id ${out.repo.id}).`);
  if (out.orphanedApps > 0)
    ctx.log.warn(
      `${out.orphanedApps} installed app(s) came from it; they stay installed, listed with repository ~unknown~.`,
    );
  if (out.repo.isDefault) ctx.log.info("Docker Hub ('official', id 1) is the default repository again.");
  return { data: { removed: repoView(out.repo, out.hadPassword), orphanedApps: out.orphanedApps } };
}
