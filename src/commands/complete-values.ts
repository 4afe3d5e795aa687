// `dam __complete KIND`: the values the shell completion scripts offer, read from the state directory
// without changing anything (a missing state is not created) and without touching the engine.
import { usageError } from '../core/errors.js';
import { initialState, type State } from '../core/state.js';
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import type { CompleteValuesOptions } from './complete-values.command.js';

async function state(ctx: Context): Promise<State> {
  return (await ctx.stateDir().peekState()) ?? initialState();
}

const KINDS: Record<string, (ctx: Context) => Promise<string[]>> = {
  apps: async (ctx) => (await state(ctx)).apps.flatMap((a) => [a.name, `${a.name}:${a.version}`]),
  repos: async (ctx) => (await state(ctx)).repos.flatMap((r) => [r.name, String(r.id)]),
  keys: async (ctx) => (await ctx.keyring()).names(),
  trusted: async (ctx) => (await (await ctx.trustStore()).read()).keys.map((k) => k.name),
};

export async function run(ctx: Context, { args }: CommandInput<CompleteValuesOptions>): Promise<CommandResult> {
  const read = KINDS[args[0] ?? ''];
  if (!read)
    throw usageError(`'${args[0] ?? ''}' is not a completion kind.`, `Use one of: ${Object.keys(KINDS).join(', ')}.`);
  const values = [...new Set(await read(ctx))].sort();
  return { data: values, text: values.join('\n') };
}
