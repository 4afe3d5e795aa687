import { resolve } from 'node:path';
import { usageError } from '../core/errors.js';
import { trustKey, trustView, untrustKey } from '../app/trust.js';
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { table } from '../cli/table.js';
import type { TrustOptions } from './trust.command.js';

export async function run(ctx: Context, { args, opts }: CommandInput<TrustOptions>): Promise<CommandResult> {
  const [action, arg] = args;
  const trust = await ctx.trustStore();
  if (action === 'add') {
    if (!arg)
      throw usageError('dam trust add needs a public key file.', 'Example: dam trust add vendor.pub --name vendor');
    const key = await trustKey(
      { keyring: await ctx.keyring(), trust },
      resolve(ctx.cwd, arg),
      arg,
      opts.name,
      new Date(),
    );
    ctx.log.success(
      `Trusting the key '${key.name}' (${key.fingerprint}): archives and bundles must now be signed by a trusted key.`,
    );
    return { data: key };
  }
  if (action === 'remove') {
    if (!arg) throw usageError('dam trust remove needs a key name or fingerprint.', 'dam trust list shows them.');
    const removed = await untrustKey(trust, arg);
    ctx.log.success(
      `No longer trusting '${removed.removed.name}' (${removed.removed.fingerprint}).${removed.policy.keys.length === 0 ? ' No key is trusted now: archives are accepted unsigned.' : ''}`,
    );
    return {
      data: {
        name: removed.removed.name,
        fingerprint: removed.removed.fingerprint,
        remaining: removed.policy.keys.length,
      },
    };
  }
  if (action === 'list') {
    const data = await trustView(trust);
    if (data.keys.length === 0)
      return { data, text: 'No key is trusted: archives and bundles are accepted without a signature.\n' };
    const names = new Map(data.keys.map((k) => [k.fingerprint, k.name]));
    let text = table(
      ['NAME', 'FINGERPRINT', 'ADDED'],
      data.keys.map((k) => [k.name, k.fingerprint, k.addedAt.replace('T', ' ').slice(0, 19)]),
    );
    if (data.accepted.length)
      text += `\n${table(
        ['PRODUCT', 'KEY', 'NEWEST SEQUENCE'],
        data.accepted.map((a) => [a.product, names.get(a.fingerprint) ?? a.fingerprint, String(a.sequence)]),
      )}`;
    return { data, text };
  }
  throw usageError(
    `'${action ?? ''}' is not a trust action.`,
    'Use dam trust add PUBKEY_FILE, dam trust list or dam trust remove NAME.',
  );
}
