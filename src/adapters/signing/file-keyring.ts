// The Keyring port over the state directory's keys/ folder (paths given by src/adapters/store/state-dir.ts).
import { readFile } from 'node:fs/promises';
import { DamError, errnoCode } from '../../core/errors.js';
import type { Keyring } from '../../core/ports/signing.js';
import { keyFiles, type KeyPaths } from './key-files.js';
import { signFile } from './sign-file.js';

export function fileKeyring(paths: KeyPaths): Keyring {
  const keys = keyFiles(paths);
  return {
    generate: keys.generate,
    list: keys.list,
    names: keys.names,
    publicPem: keys.publicPem,
    readPublicFile: async (path, shownAs) => {
      try {
        return await readFile(path, 'utf8');
      } catch (err) {
        if (errnoCode(err) === 'ENOENT')
          throw new DamError(
            'NOT_FOUND',
            `The public key file '${shownAs}' does not exist.`,
            'Get it from the publisher: dam key export-public NAME > NAME.pub',
          );
        throw err;
      }
    },
    checkPrivate: async (key) => {
      await keys.privateKey(key);
    },
    sign: (request) => signFile({ ...request, keys }),
  };
}
