import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { table } from '../cli/table.js';
import { repoView } from '../cli/repo-view.js';
import type { ListreposOptions } from './listrepos.command.js';

export async function run(ctx: Context, { opts }: CommandInput<ListreposOptions>): Promise<CommandResult> {
  const state = await ctx.store().read();
  const credentials = await ctx.store().readCredentials();
  const repos = state.repos.map((r) => repoView(r, credentials.passwords[String(r.id)] !== undefined));
  if (opts.raw === true && !ctx.json) {
    return {
      text: repos.map((r) => [r.id, r.default ? '*' : '', r.name, r.server, r.username ?? ''].join(';')).join('\n'),
    };
  }
  const rows = repos.map((r) => [
    String(r.id),
    r.default ? '*' : '',
    r.name,
    r.server,
    r.username ?? '',
    r.insecure ? 'insecure' : '',
  ]);
  return { data: repos, text: table(['ID', 'DEFAULT', 'NAME', 'SERVER', 'USER', 'TLS'], rows) };
}
