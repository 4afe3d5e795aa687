import { resolve } from 'node:path';
import { access } from 'node:fs/promises';
import { DamError, usageError } from '../core/errors.js';
import { addRepo } from '../core/repos.js';
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { passwordFrom } from '../cli/input.js';
import { repoView } from '../cli/repo-view.js';
import type { AddrepoOptions } from './addrepo.command.js';

export async function checkCaFile(ctx: Context, file: string | undefined): Promise<string | undefined> {
  if (file === undefined) return undefined;
  const path = resolve(ctx.cwd, file);
  try {
    await access(path);
  } catch {
    throw new DamError(
      'NOT_FOUND',
      `The CA file '${file}' does not exist.`,
      'Give the path of a PEM certificate file.',
    );
  }
  return path;
}

export async function run(ctx: Context, { opts }: CommandInput<AddrepoOptions>): Promise<CommandResult> {
  const name = opts.name;
  const server = opts.server;
  if (!name) throw usageError('addrepo needs --name.', 'Example: dam addrepo --name corp --server registry.corp:5000');
  if (!server)
    throw usageError('addrepo needs --server.', 'Example: dam addrepo --name corp --server registry.corp:5000');
  const username = opts.username;
  const password = await passwordFrom(ctx, opts);
  if (password !== undefined && !username)
    throw usageError('A password was given without --username.', 'Add --username.');
  const caFile = await checkCaFile(ctx, opts.caFile);
  const repo = await ctx.store().update('addrepo', (state, credentials) => {
    const out = addRepo(state, {
      name,
      server,
      isDefault: opts.default === true,
      username,
      insecure: opts.insecure === true,
      caFile,
    });
    const passwords = { ...credentials.passwords };
    if (password !== undefined) passwords[String(out.repo.id)] = password;
    return { state: out.state, credentials: { ...credentials, passwords }, result: out.repo };
  });
  ctx.log.success(
    `Added repository '${repo.name}' (id ${repo.id}, ${repo.server})${repo.isDefault ? ', now the default' : ''}.`,
  );
  return { data: repoView(repo, password !== undefined) };
}
