// `dam push --bundle FILE [--repo SITE]`: every image of a format 2 bundle into a registry (app/push-bundle.ts).
import { resolve } from 'node:path';
import { DamError } from '../core/errors.js';
import { pushBundleFile } from '../app/push-bundle.js';
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import type { PushOptions } from './push.command.js';
import { withFileMeter } from '../cli/file-meter.js';

export async function runPushBundle(ctx: Context, { args, opts }: CommandInput<PushOptions>): Promise<CommandResult> {
  if (args.length > 0)
    throw new DamError('USAGE', `push --bundle takes no app ('${args[0]}').`, 'dam push --bundle FILE [--repo NAME]');
  const path = resolve(ctx.cwd, String(opts.bundle));
  const ports = {
    registries: () => ctx.registries(),
    store: () => ctx.store(),
    signal: ctx.signal,
    bundles: await ctx.bundlePushing(),
    report: {
      info: (m: string) => ctx.log.info(m),
      whileReading: <T>(label: string, file: string, work: () => Promise<T>) => withFileMeter(ctx, label, file, work),
    },
  };
  const pushed = await pushBundleFile(ports, path, opts.repo);
  return {
    data: pushed,
    text: `Bundle '${path}' was pushed to repository '${pushed.repository}': ${pushed.tags.join(', ')}.`,
  };
}
