import { usageError } from '../core/errors.js';
import { generateKey, listKeys, readPublicPem } from '../adapters/signing/key-files.js';
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { table } from '../cli/table.js';
import type { KeyOptions } from './key.command.js';

export async function run(ctx: Context, { args }: CommandInput<KeyOptions>): Promise<CommandResult> {
  const [action, name] = args;
  const home = ctx.store().paths.home;
  const needName = () => {
    if (!name) throw usageError(`dam key ${action ?? ''} needs a key NAME.`, `Example: dam key ${action ?? 'generate'} release`);
    return name;
  };
  if (action === 'generate') {
    const key = await generateKey(home, needName());
    ctx.log.success(`Made the key '${key.name}' (${key.fingerprint}); give others its public key: dam key export-public ${key.name}`);
    return { data: key, text: key.fingerprint };
  }
  if (action === 'list') {
    const keys = await listKeys(home);
    return { data: keys, text: keys.length ? table(['NAME', 'FINGERPRINT', 'PRIVATE'], keys.map((k) => [k.name, k.fingerprint, k.private ? 'yes' : 'no'])) : 'No keys. Make one with dam key generate NAME.\n' };
  }
  if (action === 'export-public') {
    const pem = await readPublicPem(home, needName());
    return { data: { name, publicKey: pem }, text: pem };
  }
  throw usageError(`'${action ?? ''}' is not a key action.`, 'Use dam key generate NAME, dam key list or dam key export-public NAME.');
}
