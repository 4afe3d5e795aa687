import { resolve } from 'node:path';
import { usageError } from '../core/errors.js';
import { parseSequence } from '../core/signing/payload.js';
import type { Signed } from '../core/ports/signing.js';
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import type { SignOptions } from './sign.command.js';

export function signedView(signed: Signed) {
  return {
    path: signed.path,
    signature: signed.signaturePath,
    kind: signed.kind,
    product: signed.payload.product,
    sequence: signed.payload.sequence,
    signer: signed.payload.signer,
    subject: signed.payload.subject,
  };
}

export async function run(ctx: Context, { args, opts }: CommandInput<SignOptions>): Promise<CommandResult> {
  const [key, file] = args;
  if (!key || !file) throw usageError('dam sign needs a KEY and a FILE.', 'Example: dam sign release product.bundle');
  const product = opts.name;
  const sequence = parseSequence(opts.sequence);
  const signed = await (
    await ctx.keyring()
  ).sign({
    key: key.includes('/') ? resolve(ctx.cwd, key) : key,
    path: resolve(ctx.cwd, file),
    ...(product !== undefined ? { product } : {}),
    ...(sequence !== undefined ? { sequence } : {}),
    now: new Date(),
    signal: ctx.signal,
  });
  ctx.log.success(
    `Signed '${signed.path}' as '${signed.payload.product}' sequence ${signed.payload.sequence} with ${signed.payload.signer}: ${signed.signaturePath}`,
  );
  return { data: signedView(signed) };
}

/** `dam export --all --sign KEY`: checks the key and options before the bundle is written. */
export async function checkExportSigning(ctx: Context, opts: Record<string, unknown>): Promise<void> {
  if (opts.sign === undefined && opts.sequence === undefined) return;
  if (typeof opts.sign !== 'string')
    throw usageError(
      '--sequence applies only with --sign KEY.',
      'Example: dam export --all --name plant-a --sign release product.bundle',
    );
  if (opts.all !== true)
    throw usageError('--sign applies to bundles only.', 'Add --all, or sign a file with dam sign KEY FILE.');
  if (typeof opts.name !== 'string')
    throw usageError(
      '--sign needs --name: a signed product carries its name, against which hosts count releases.',
      'Example: dam export --all --name plant-a --sign release product.bundle',
    );
  parseSequence(opts.sequence);
  await (await ctx.keyring()).checkPrivate(opts.sign.includes('/') ? resolve(ctx.cwd, opts.sign) : opts.sign);
}

/** Signs the bundle just written, when --sign was given. */
export async function signExport(
  ctx: Context,
  opts: Record<string, unknown>,
  path: string,
): Promise<ReturnType<typeof signedView> | undefined> {
  if (typeof opts.sign !== 'string') return undefined;
  const sequence = parseSequence(opts.sequence);
  const signed = await (
    await ctx.keyring()
  ).sign({
    key: opts.sign.includes('/') ? resolve(ctx.cwd, opts.sign) : opts.sign,
    path,
    ...(typeof opts.name === 'string' ? { product: opts.name } : {}),
    ...(sequence !== undefined ? { sequence } : {}),
    now: new Date(),
    signal: ctx.signal,
  });
  ctx.log.info(
    `Signed it as '${signed.payload.product}' sequence ${signed.payload.sequence} with ${signed.payload.signer}: ${signed.signaturePath}`,
  );
  return signedView(signed);
}
