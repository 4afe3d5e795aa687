import { DamError } from '../core/errors.js';
import { pushApp } from '../app/push.js';
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { progressRenderer } from '../cli/progress.js';
import type { PushOptions } from './push.command.js';

export type { PushResult } from '../app/push.js';

export async function run(ctx: Context, { args, opts }: CommandInput<PushOptions>): Promise<CommandResult> {
  if (opts.bundle !== undefined) return (await import('./push-bundle.js')).runPushBundle(ctx, { args, opts });
  const text = args[0] ?? '';
  if (text === '')
    throw new DamError(
      'USAGE',
      'Name the app to push, or give --bundle FILE.',
      'dam push NAME:VERSION, or dam push --bundle FILE --repo NAME.',
    );
  const ports = {
    store: ctx.store(),
    engine: () => ctx.engine(),
    registryAuth: ctx.registryAuth,
    report: ctx.log,
    progress: () => progressRenderer(ctx.log),
    signal: ctx.signal,
  };
  const data = await pushApp(ports, text, opts.repo);
  return { data, text: `App '${data.reference}' was pushed to repository '${data.repository}'.` };
}
