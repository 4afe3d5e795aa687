// Signing key pairs in the state directory: `keys/NAME.key` (PKCS#8 PEM, 0600) and `keys/NAME.pub` (SPKI
// PEM, 0644) in a 0700 folder. A key is never overwritten.
import { generateKeyPairSync, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DamError, errnoCode } from '../../core/errors.js';
import { validateKeyName } from '../../core/signing/trust.js';
import { fingerprintOfRaw, rawPublicKey } from '../../core/signing/fingerprint.js';
import { fsyncDir, writeFileSynced } from '../store/atomic.js';

import type { KeyInfo } from '../../core/ports/signing.js';

/** Where the keys live; given by the state directory (src/adapters/store/state-dir.ts). */
export interface KeyPaths {
  /** The state directory, made private before the first key is written. */
  parent: string;
  /** Its keys/ folder. */
  dir: string;
}

const writeNew = (path: string, data: string, mode: number): Promise<void> => writeFileSynced(path, data, mode, 'wx');

export async function generateKey(paths: KeyPaths, name: string): Promise<KeyInfo> {
  validateKeyName(name);
  const dir = paths.dir;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(paths.parent, 0o700);
  await chmod(dir, 0o700);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const keyFile = join(dir, `${name}.key`);
  const pubFile = join(dir, `${name}.pub`);
  try {
    await writeNew(keyFile, privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), 0o600);
  } catch (err) {
    if (errnoCode(err) === 'EEXIST')
      throw new DamError(
        'CONFLICT',
        `The key '${name}' already exists (${keyFile}).`,
        'Choose another name; DAM never overwrites a key.',
      );
    throw err;
  }
  try {
    await writeNew(pubFile, publicKey.export({ format: 'pem', type: 'spki' }).toString(), 0o644);
  } catch (err) {
    await rm(keyFile, { force: true });
    if (errnoCode(err) === 'EEXIST')
      throw new DamError(
        'CONFLICT',
        `A public key '${pubFile}' already exists.`,
        'Choose another name; DAM never overwrites a key.',
      );
    throw err;
  }
  await fsyncDir(dir);
  return { name, fingerprint: fingerprintOfRaw(rawPublicKey(publicKey)), publicKeyFile: pubFile, private: true };
}

export async function listKeys(paths: KeyPaths): Promise<KeyInfo[]> {
  let names: string[];
  try {
    names = await readdir(paths.dir);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
  const out: KeyInfo[] = [];
  for (const file of names.filter((n) => n.endsWith('.pub')).sort()) {
    const name = file.slice(0, -'.pub'.length);
    const publicKeyFile = join(paths.dir, file);
    const key = createPublicKey(await readFile(publicKeyFile, 'utf8'));
    out.push({
      name,
      fingerprint: fingerprintOfRaw(rawPublicKey(key)),
      publicKeyFile,
      private: names.includes(`${name}.key`),
    });
  }
  return out;
}

export async function readPublicPem(paths: KeyPaths, name: string): Promise<string> {
  validateKeyName(name);
  try {
    return await readFile(join(paths.dir, `${name}.pub`), 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT')
      throw new DamError(
        'NOT_FOUND',
        `There is no key named '${name}'.`,
        'dam key list shows the keys; dam key generate NAME makes one.',
      );
    throw err;
  }
}

/** The private key `name` from keys/, or the PEM file at `name` when it is a path. */
export async function readPrivateKey(paths: KeyPaths, name: string): Promise<{ key: KeyObject; fingerprint: string }> {
  const isPath = name.includes('/');
  if (!isPath) validateKeyName(name);
  const file = isPath ? name : join(paths.dir, `${name}.key`);
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT')
      throw new DamError(
        'NOT_FOUND',
        `There is no private key '${name}' (${file}).`,
        'dam key list shows the keys this host can sign with; dam key generate NAME makes one.',
      );
    throw err;
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new DamError('USAGE', `'${file}' is not a PEM private key.`, 'Give a key made by dam key generate.');
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new DamError('USAGE', `'${file}' is not an Ed25519 key.`, 'Give a key made by dam key generate.');
  return { key, fingerprint: fingerprintOfRaw(rawPublicKey(createPublicKey(key))) };
}

/** The names of the keys with a public half, without reading them; none when there is no keys/ folder. */
export async function keyNames(paths: KeyPaths): Promise<string[]> {
  try {
    return (await readdir(paths.dir)).filter((n) => n.endsWith('.pub')).map((n) => n.slice(0, -'.pub'.length));
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return [];
    throw err;
  }
}

/** The key files of the state directory, as the Keyring port is built on them (./file-keyring.ts). */
export interface KeyFiles {
  generate(name: string): Promise<KeyInfo>;
  list(): Promise<KeyInfo[]>;
  names(): Promise<string[]>;
  publicPem(name: string): Promise<string>;
  /** A key name in keys/, or the path of a PEM private key. */
  privateKey(name: string): Promise<{ key: KeyObject; fingerprint: string }>;
}

export function keyFiles(paths: KeyPaths): KeyFiles {
  return {
    generate: (name) => generateKey(paths, name),
    list: () => listKeys(paths),
    names: () => keyNames(paths),
    publicPem: (name) => readPublicPem(paths, name),
    privateKey: (name) => readPrivateKey(paths, name),
  };
}
