// The Keyring and TrustStore ports over the state directory's keys/ folder and trust.json.
import { readFile, readdir } from 'node:fs/promises';
import { DamError, errnoCode, ifMissing } from '../../core/errors.js';
import type { Keyring, TrustStore } from '../../core/ports/signing.js';
import { generateKey, keysDir, listKeys, readPrivateKey, readPublicPem } from './key-files.js';
import { signFile } from './sign-file.js';
import { readTrust, updateTrust } from './trust-file.js';

export function fileKeyring(home: string): Keyring {
  return {
    generate: (name) => generateKey(home, name),
    list: () => listKeys(home),
    names: async () => (await ifMissing(() => readdir(keysDir(home)), [] as string[])).filter((n) => n.endsWith('.pub')).map((n) => n.slice(0, -4)),
    publicPem: (name) => readPublicPem(home, name),
    readPublicFile: async (path, shownAs) => {
      try {
        return await readFile(path, 'utf8');
      } catch (err) {
        if (errnoCode(err) === 'ENOENT') throw new DamError('NOT_FOUND', `The public key file '${shownAs}' does not exist.`, 'Get it from the publisher: dam key export-public NAME > NAME.pub');
        throw err;
      }
    },
    checkPrivate: async (key) => {
      await readPrivateKey(home, key);
    },
    sign: (request) => signFile({ ...request, home }),
  };
}

export function fileTrustStore(home: string): TrustStore {
  return { read: () => readTrust(home), update: (command, fn) => updateTrust(home, command, fn) };
}
