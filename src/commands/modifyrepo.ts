import { usageError } from '../core/errors.js';
import { findRepo, modifyRepo, requireOneOf } from '../core/repos.js';
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { passwordFrom } from '../cli/input.js';
import { checkCaFile } from './addrepo.js';
import { repoView } from '../cli/repo-view.js';
import type { ModifyrepoOptions } from './modifyrepo.command.js';

function parseBool(value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === true || value === 'true') return true;
  if (value === 'false') return false;
  throw usageError(`--default takes true or false, not '${String(value)}'.`, 'Write --default or --default=false.');
}

export async function run(ctx: Context, { args, opts }: CommandInput<ModifyrepoOptions>): Promise<CommandResult> {
  const target = args[0] ?? '';
  const password = await passwordFrom(ctx, opts);
  const clear = opts.clearCredentials === true;
  if (clear && (password !== undefined || opts.username !== undefined))
    throw usageError('--clear-credentials cannot be combined with new credentials.', 'Give one or the other.');
  const caOpt = opts.caFile;
  const input = {
    isDefault: parseBool(opts.default),
    name: opts.name,
    server: opts.server,
    username: opts.username,
    clearCredentials: clear || undefined,
    insecure: typeof opts.insecure === 'boolean' ? opts.insecure : undefined,
    caFile: caOpt === '' ? '' : await checkCaFile(ctx, caOpt),
  };
  requireOneOf(
    {
      default: input.isDefault,
      name: input.name,
      server: input.server,
      username: input.username,
      password,
      'clear-credentials': input.clearCredentials,
      insecure: input.insecure,
      'ca-file': input.caFile,
    },
    `repository ${target}`,
  );
  const { repo, hasPassword } = await ctx.store().update('modifyrepo', (state, credentials) => {
    // An id or a name, as removerepo and --repo take them.
    const id = findRepo(state, target).id;
    const out = modifyRepo(state, id, input);
    const passwords = { ...credentials.passwords };
    if (clear) delete passwords[String(id)];
    if (password !== undefined) {
      if (!out.repo.username)
        throw usageError('A password was given but the repository has no user name.', 'Add --username.');
      passwords[String(id)] = password;
    }
    return {
      state: out.state,
      credentials: { ...credentials, passwords },
      result: { repo: out.repo, hasPassword: passwords[String(id)] !== undefined },
    };
  });
  ctx.log.success(`Changed repository '${repo.name}' (id ${repo.id})${repo.isDefault ? ', the default' : ''}.`);
  return { data: repoView(repo, hasPassword) };
}
