import { usageError } from '../core/errors.js';
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { table } from '../cli/table.js';
import type { KeyOptions } from './key.command.js';

export async function run(ctx: Context, { args }: CommandInput<KeyOptions>): Promise<CommandResult> {
  const [action, name] = args;
  const keyring = await ctx.keyring();
  const needName = () => {
    if (!name)
      throw usageError(`dam key ${action ?? ''} needs a key NAME.`, `Example: dam key ${action ?? 'generate'} release`);
    return name;
  };
  if (action === 'generate') {
    const key = await keyring.generate(needName());
    ctx.log.success(
      `Made the key '${key.name}' (${key.fingerprint}); give others its public key: dam key export-public ${key.name}`,
    );
    return { data: key, text: key.fingerprint };
  }
  if (action === 'list') {
    const keys = await keyring.list();
    return {
      data: keys,
      text: keys.length
        ? table(
            ['NAME', 'FINGERPRINT', 'PRIVATE'],
            keys.map((k) => [k.name, k.fingerprint, k.private ? 'yes' : 'no']),
          )
        : 'No keys. Make one with dam key generate NAME.\n',
    };
  }
  if (action === 'export-public') {
    const pem = await keyring.publicPem(needName());
    return { data: { name, publicKey: pem }, text: pem };
  }
  throw usageError(
    `'${action ?? ''}' is not a key action.`,
    'Use dam key generate NAME, dam key list or dam key export-public NAME.',
  );
}
