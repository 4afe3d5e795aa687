import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { DamError, errnoCode, usageError } from '../core/errors.js';
import { parsePublicKeyPem } from '../core/signing/fingerprint.js';
import { addTrustedKey, removeTrustedKey, validateKeyName, type TrustPolicy } from '../core/signing/trust.js';
import { readTrust, updateTrust } from '../adapters/signing/trust-file.js';
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { table } from '../cli/table.js';
import type { TrustOptions } from './trust.command.js';

async function add(ctx: Context, file: string, name: string | undefined): Promise<CommandResult> {
  const path = resolve(ctx.cwd, file);
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') throw new DamError('NOT_FOUND', `The public key file '${file}' does not exist.`, 'Get it from the publisher: dam key export-public NAME > NAME.pub');
    throw err;
  }
  const { raw, fingerprint } = parsePublicKeyPem(pem, file);
  const keyName = validateKeyName(name ?? basename(path).replace(/\.(pub|pem)$/, ''));
  const key = { name: keyName, fingerprint, publicKey: raw.toString('base64'), addedAt: new Date().toISOString() };
  await updateTrust(ctx.store().paths.home, 'trust add', (policy) => ({ policy: addTrustedKey(policy, key), result: undefined }));
  ctx.log.success(`Trusting the key '${keyName}' (${fingerprint}): archives and bundles must now be signed by a trusted key.`);
  return { data: { name: keyName, fingerprint } };
}

function view(policy: TrustPolicy) {
  return {
    keys: policy.keys.map((k) => ({ name: k.name, fingerprint: k.fingerprint, addedAt: k.addedAt })),
    accepted: policy.accepted.map((a) => ({ product: a.product, fingerprint: a.fingerprint, sequence: a.sequence, acceptedAt: a.acceptedAt })),
    apps: policy.acceptedApps.map((a) => ({ app: a.app, fingerprint: a.fingerprint, product: a.product, sequence: a.sequence, created: a.created })),
  };
}

export async function run(ctx: Context, { args, opts }: CommandInput<TrustOptions>): Promise<CommandResult> {
  const [action, arg] = args;
  const home = ctx.store().paths.home;
  if (action === 'add') {
    if (!arg) throw usageError('dam trust add needs a public key file.', 'Example: dam trust add vendor.pub --name vendor');
    return add(ctx, arg, opts.name);
  }
  if (action === 'remove') {
    if (!arg) throw usageError('dam trust remove needs a key name or fingerprint.', 'dam trust list shows them.');
    const removed = await updateTrust(home, 'trust remove', (policy) => {
      const out = removeTrustedKey(policy, arg);
      return { policy: out.policy, result: out };
    });
    ctx.log.success(`No longer trusting '${removed.removed.name}' (${removed.removed.fingerprint}).${removed.policy.keys.length === 0 ? ' No key is trusted now: archives are accepted unsigned.' : ''}`);
    return { data: { name: removed.removed.name, fingerprint: removed.removed.fingerprint, remaining: removed.policy.keys.length } };
  }
  if (action === 'list') {
    const data = view(await readTrust(home));
    if (data.keys.length === 0) return { data, text: 'No key is trusted: archives and bundles are accepted without a signature.\n' };
    const names = new Map(data.keys.map((k) => [k.fingerprint, k.name]));
    let text = table(['NAME', 'FINGERPRINT', 'ADDED'], data.keys.map((k) => [k.name, k.fingerprint, k.addedAt.replace('T', ' ').slice(0, 19)]));
    if (data.accepted.length) text += `\n${table(['PRODUCT', 'KEY', 'NEWEST SEQUENCE'], data.accepted.map((a) => [a.product, names.get(a.fingerprint) ?? a.fingerprint, String(a.sequence)]))}`;
    return { data, text };
  }
  throw usageError(`'${action ?? ''}' is not a trust action.`, 'Use dam trust add PUBKEY_FILE, dam trust list or dam trust remove NAME.');
}
