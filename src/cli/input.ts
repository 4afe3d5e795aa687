// Reading what the user gives besides argv: a secret on stdin, an answer to a question.
import { DamError, usageError } from '../core/errors.js';
import type { Context } from './context.js';

export async function readStdinSecret(ctx: Context, flag: string): Promise<string> {
  if (ctx.stdin.isTTY) {
    throw usageError(
      `${flag} reads the password from standard input, which is a terminal here.`,
      `Pipe it in, for example: cat pw.txt | dam ... ${flag}`,
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  const secret = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (!secret)
    throw usageError(
      `${flag} was given but standard input was empty.`,
      'Pipe the password in, for example: printf %s "$PW" | dam ...',
    );
  return secret;
}

/** Resolves --password / --password-stdin into one value, warning about the first. */
export async function passwordFrom(ctx: Context, opts: Record<string, unknown>): Promise<string | undefined> {
  const given = typeof opts.password === 'string' ? opts.password : undefined;
  if (given !== undefined && opts.passwordStdin)
    throw usageError('--password and --password-stdin were both given.', 'Use only --password-stdin.');
  if (opts.passwordStdin) return readStdinSecret(ctx, '--password-stdin');
  if (given !== undefined) {
    ctx.log.warn(
      '--password leaves the password in your shell history and in the process list; prefer --password-stdin.',
    );
    if (given === '')
      throw new DamError('USAGE', '--password is empty.', 'Give the password, or use --password-stdin.');
  }
  return given;
}

export function stringOpt(opts: Record<string, unknown>, key: string): string | undefined {
  const v = opts[key];
  return typeof v === 'string' ? v : undefined;
}
