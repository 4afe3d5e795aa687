import { basename, resolve } from 'node:path';
import { usageError } from '../core/errors.js';
import { DEFAULT_BASE, INIT_KINDS, type InitKind } from '../core/init/common.js';
import { initProject } from '../core/init/project.js';
import { validateAppName } from '../core/validate.js';
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import type { InitOptions } from './init.command.js';

export interface InitResult {
  dir: string;
  kind: InitKind;
  name: string;
  base: string;
  files: string[];
}

function kindOf(value: string | undefined): InitKind {
  const kind = INIT_KINDS.find((k) => k === value);
  if (!kind) throw usageError(`--kind '${value ?? ''}' is not a kind of app.`, `Use one of: ${INIT_KINDS.join(', ')}.`);
  return kind;
}

export async function run(ctx: Context, { args, opts }: CommandInput<InitOptions>): Promise<CommandResult> {
  const shownAs = args[0] ?? '.';
  const dir = resolve(ctx.cwd, shownAs);
  const kind = kindOf(opts.kind);
  const name = validateAppName(opts.name ?? basename(dir));
  const base = opts.base ?? DEFAULT_BASE;
  if (!base || /\s/.test(base))
    throw usageError(`--base '${base}' is not an image reference.`, 'Give an image such as busybox:1.36.');
  const files = initProject(kind, { name, base });
  await (await ctx.projects()).write(dir, shownAs, files, opts.force === true);
  const data: InitResult = { dir, kind, name, base, files: files.map((f) => f.path) };
  return { data, text: `Wrote a ${kind} app project '${name}' in '${shownAs}'. Next: dam create ${shownAs}` };
}
