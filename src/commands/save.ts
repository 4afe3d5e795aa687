import { resolve } from 'node:path';
import { usageError } from '../core/errors.js';
import { saveApp } from '../app/save.js';
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { formatBytes } from '../cli/progress.js';
import type { SaveOptions } from './save.command.js';

export interface SaveResult {
  path: string;
  crc32: string;
  bytes: number;
  tag: string;
}

export async function run(ctx: Context, { args, opts }: CommandInput<SaveOptions>): Promise<CommandResult> {
  const text = args[0];
  if (!text) throw usageError('Name the app to save.', 'dam save name:version, or a full tag.');
  const output = typeof opts.output === 'string' ? opts.output : typeof opts.f === 'string' ? opts.f : undefined;
  const progress = byteProgress(ctx);
  const ports = {
    store: ctx.store(),
    engine: () => ctx.engine(),
    archives: () => ctx.archives(),
    outputs: await ctx.outputs(),
    report: ctx.log,
  };
  const request = {
    app: text,
    dir: ctx.cwd,
    force: opts.force === true,
    signal: ctx.signal,
    onProgress: progress.update,
    ...(output !== undefined ? { output: resolve(ctx.cwd, output) } : {}),
  };
  try {
    const written = await saveApp(ports, request);
    progress.done(written.bytes);
    ctx.log.info(`Created '${written.path}' file.`);
    const data: SaveResult = { path: written.path, crc32: written.crc32, bytes: written.bytes, tag: written.tag };
    return { data };
  } catch (err) {
    progress.done();
    throw err;
  }
}

/** Bytes written, redrawn in place on a terminal at most 5 times a second; a final line elsewhere. */
function byteProgress(ctx: Context) {
  let last = 0;
  let drawn = false;
  const started = Date.now();
  return {
    update: (bytes: number) => {
      if (!ctx.log.interactive) return;
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      drawn = true;
      const rate = bytes / Math.max(0.001, (now - started) / 1000);
      ctx.log.raw(`\r\x1b[KWritten ${formatBytes(bytes)} (${formatBytes(rate)}/s)`);
    },
    done: (bytes?: number) => {
      if (drawn) ctx.log.raw('\r\x1b[K');
      if (bytes !== undefined)
        ctx.log.info(`Written ${formatBytes(bytes)} in ${((Date.now() - started) / 1000).toFixed(1)}s.`);
    },
  };
}
