import { resolve } from 'node:path';
import { parseKeyValues } from '../core/app-labels.js';
import type { CreateFlags } from '../core/create/variables.js';
import { createApp } from '../app/create.js';
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { progressRenderer } from '../cli/progress.js';
import type { CreateOptions } from './create.command.js';

export type { CreateResult } from '../app/create.js';

function listOpt(opts: Record<string, unknown>, key: string): string[] {
  const v = opts[key];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export async function run(ctx: Context, { args, opts }: CommandInput<CreateOptions>): Promise<CommandResult> {
  const given = { buildArgs: listOpt(opts, 'buildArg'), labels: listOpt(opts, 'label') };
  const shownAs = args[0] ?? '.';
  const dir = resolve(ctx.cwd, shownAs);
  const flags: CreateFlags = {
    name: opts.name,
    version: opts.version,
    family: opts.family,
    multiversion: typeof opts.multiversion === 'boolean' ? opts.multiversion : undefined,
  };
  const buildArgs = parseKeyValues(given.buildArgs, '--build-arg');
  const userLabels = parseKeyValues(given.labels, '--label');
  const data = await createApp(
    {
      store: ctx.store(),
      engine: () => ctx.engine(),
      projects: await ctx.projects(),
      report: ctx.log,
      ...(opts.quiet === true ? {} : { progress: () => progressRenderer(ctx.log) }),
      env: ctx.env,
      signal: ctx.signal,
    },
    { dir, shownAs, flags, buildArgs, userLabels, lint: opts.lint !== false, platform: opts.platform },
  );
  // 1.x's line unchanged; the platform is named when one was asked for.
  return { data, text: `App '${data.tag}' was created${opts.platform !== undefined ? ` for ${data.platform}` : ''}.` };
}
