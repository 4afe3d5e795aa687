// `dam export FILE`: the options parsed, the export written by its use case (app/export.ts).
import { resolve } from 'node:path';
import { usageError } from '../core/errors.js';
import { COMPRESSIONS, type Compression } from '../core/ports/bundle-write.js';
import { enginePlatform, parsePlatforms } from '../core/platform.js';
import { exportApps, type ExportPorts, type ExportRequest } from '../app/export.js';
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { byteMeter } from '../cli/progress.js';
import { plainEveryMs } from '../cli/file-meter.js';
import { meteredSaves } from '../cli/save-meter.js';
import { checkExportSigning, signExport } from './sign.js';
import { parseSelfContained } from './export-self-contained.js';
import type { ExportOptions as ExportFlags } from './export.command.js';

export async function run(ctx: Context, input: CommandInput<ExportFlags>): Promise<CommandResult> {
  const options = parseOptions(ctx, input);
  await checkExportSigning(ctx, input.opts);
  return { data: await exportApps(await exportPorts(ctx, input.opts), options) };
}

/** The use case's ports from the context: progress and signing through this command's output and options. */
export async function exportPorts(ctx: Context, opts: Record<string, unknown>): Promise<ExportPorts> {
  const every = plainEveryMs(ctx.env);
  return {
    registries: () => ctx.registries(),
    store: () => ctx.store(),
    signal: ctx.signal,
    engine: () => ctx.engine(),
    bundles: await ctx.bundleWriter(),
    files: await ctx.inputFiles(),
    outputs: await ctx.outputs(),
    sign: (path) => signExport(ctx, opts, path),
    report: {
      info: (m) => ctx.log.info(m),
      meter: (label, total, sample) =>
        byteMeter(ctx.log, { label, total, sample, ...(every !== undefined ? { plainEveryMs: every } : {}) }),
      meterSaves: (engine, refs, passes) => meteredSaves(ctx, engine, refs, passes),
    },
  };
}

function parseOptions(ctx: Context, { args, opts }: CommandInput<ExportFlags>): ExportRequest {
  const file = args[0];
  if (!file)
    throw usageError(
      'Name the file to export to.',
      'dam export FILE (an app list), --format json (a product), or --all (a bundle).',
    );
  const all = opts.all === true;
  const format = opts.format ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'dam1')
    throw usageError(
      `--format '${String(format)}' is not text, json or dam1.`,
      'Use --format text (the 1.x list), --format json (the product file), or --all --format dam1 (the 1.x export archive).',
    );
  if (format === 'dam1') checkDam1Options(all, opts);
  else if (all && opts.format !== undefined)
    throw usageError(
      `--format ${String(format)} does not apply to --all: a bundle always carries the JSON product.`,
      'Leave out --format, or use --format dam1 for a DAM 1.x export archive.',
    );
  if (!all && opts.compress !== undefined)
    throw usageError('--compress applies to bundles only.', 'Add --all to write a bundle.');
  if (!all && opts.delta !== undefined)
    throw usageError('--delta applies to bundles only.', 'Add --all: dam export --all --delta INVENTORY FILE.');
  const compress = (opts.compress ?? 'gzip') as Compression;
  if (!COMPRESSIONS.includes(compress))
    throw usageError(`--compress '${String(opts.compress)}' is not gzip, zstd or none.`);
  if (opts.name !== undefined && typeof opts.name !== 'string') throw usageError('--name needs a value.');
  if (opts.name !== undefined && (opts.name === '' || /[\p{Cc}]/u.test(opts.name)))
    throw usageError(`The product name '${opts.name}' is empty or holds control characters.`);
  if (opts.local !== undefined && opts.from === undefined)
    throw usageError('--local applies with --from PRODUCT.', 'dam export --all --from PRODUCT --local FILE.');
  if (!all && (opts.from !== undefined || opts.platform !== undefined))
    throw usageError(
      '--from and --platform apply to bundles only.',
      'Add --all: dam export --all --from PRODUCT FILE.',
    );
  const platforms = parsePlatforms(Array.isArray(opts.platform) ? opts.platform.map(String) : []);
  const selfContainedAsked = opts.selfContained === true;
  if (opts.platform !== undefined && opts.from === undefined && !selfContainedAsked) {
    throw usageError(
      "--platform applies with --from PRODUCT (the images' platforms) or --self-contained (the executable's): installed apps have the platform of this engine.",
      'dam export --all --from PRODUCT --platform linux/arm64 FILE.',
    );
  }
  if (selfContainedAsked && platforms.length > 1)
    throw usageError(
      'A self-contained product runs on one platform: give one --platform.',
      'Write one file per platform: dam export --all --self-contained --platform linux/arm64 FILE.',
    );
  const out: ExportRequest = {
    path: resolve(ctx.cwd, file),
    format,
    all,
    compress,
    force: opts.force === true,
    local: opts.local === true,
    platforms: platforms.length > 0 ? platforms : [enginePlatform(process.arch)],
  };
  if (typeof opts.from === 'string') out.from = resolve(ctx.cwd, opts.from);
  if (typeof opts.name === 'string') out.name = opts.name;
  if (typeof opts.delta === 'string') out.delta = resolve(ctx.cwd, opts.delta);
  const selfContained = parseSelfContained(
    ctx,
    {
      ...opts,
      platform: selfContainedAsked && platforms[0] ? `${platforms[0].os}/${platforms[0].architecture}` : undefined,
    },
    all,
  );
  if (selfContained) out.selfContained = selfContained;
  return out;
}

function checkDam1Options(all: boolean, opts: Record<string, unknown>): void {
  if (!all)
    throw usageError(
      '--format dam1 writes the DAM 1.x export archive, which carries the images: it needs --all.',
      'dam export --all --format dam1 FILE',
    );
  for (const flag of ['compress', 'delta'] as const) {
    if (opts[flag] !== undefined)
      throw usageError(
        `--${flag} does not apply to --format dam1: DAM 1.x reads only its own uncompressed archive of whole .dam files.`,
        `Leave out --${flag}.`,
      );
  }
}
