// The options of `dam export --all --self-contained [--platform linux/arm64] [--dam-binary FILE] FILE`: the
// bundle written behind DAM's own executable for the target platform (app/export.ts), so FILE runs as
// `./FILE info` and `./FILE import`.
import { resolve } from 'node:path';
import { usageError } from '../core/errors.js';
import { hostPlatform, parseTargetPlatform, type TargetPlatform } from '../core/target-platform.js';
import type { SelfContained } from '../app/export.js';
import type { Context } from '../cli/context.js';
import { VERSION } from '../cli/run.js';

/**
 * The target platform: --platform (Docker's os/arch naming), else this host's. It names the platform the
 * product is for; with --self-contained it picks DAM's executable for it.
 */
export function parseExportPlatform(opts: Record<string, unknown>): TargetPlatform | undefined {
  if (opts.platform === undefined) return hostPlatform(process.platform, process.arch);
  if (typeof opts.platform !== 'string')
    throw usageError('--platform needs a value.', 'Use --platform linux/amd64 or --platform linux/arm64.');
  return parseTargetPlatform(opts.platform);
}

/** The self-contained options, or undefined without --self-contained (USAGE when its options come alone). */
export function parseSelfContained(
  ctx: Context,
  opts: Record<string, unknown>,
  all: boolean,
): SelfContained | undefined {
  if (opts.selfContained !== true) {
    if (opts.damBinary !== undefined)
      throw usageError('--dam-binary applies to --self-contained only.', 'Add --all --self-contained.');
    if (opts.platform !== undefined)
      throw usageError('--platform applies to --self-contained only.', 'Add --all --self-contained.');
    return undefined;
  }
  if (!all)
    throw usageError(
      '--self-contained applies to bundles only.',
      'Add --all: dam export --all --self-contained product.run.',
    );
  const target = parseExportPlatform(opts);
  if (!target)
    throw usageError(
      `This host (${process.platform}/${process.arch}) is not a platform DAM is released for.`,
      'Name the target with --platform linux/amd64 or --platform linux/arm64.',
    );
  if (opts.damBinary !== undefined && typeof opts.damBinary !== 'string')
    throw usageError('--dam-binary needs a file.');
  const damBinary = typeof opts.damBinary === 'string' ? resolve(ctx.cwd, opts.damBinary) : undefined;
  const host = hostPlatform(process.platform, process.arch);
  return {
    target,
    executable: async () =>
      (await ctx.bundleWriter()).findExecutable({
        target,
        version: VERSION,
        host,
        ...(damBinary ? { damBinary } : {}),
      }),
  };
}
