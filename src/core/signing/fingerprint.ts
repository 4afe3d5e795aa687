// Key fingerprints: `SHA256:` and the unpadded base64 of the sha256 of the raw 32-byte Ed25519 public key,
// the form OpenSSH prints (`ssh-keygen -l`), so a fingerprint read aloud over the phone is a familiar sight.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { DamError } from '../errors.js';

export const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

export function fingerprintOfRaw(raw: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(raw).digest('base64').replace(/=+$/, '')}`;
}

/** The raw 32 bytes of an Ed25519 public key. */
export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (key.asymmetricKeyType !== 'ed25519' || typeof jwk.x !== 'string') throw new Error('not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url');
}

/** A public key from PEM text (SPKI); USAGE naming `source` when it is not an Ed25519 public key. */
export function parsePublicKeyPem(pem: string, source: string): { key: KeyObject; raw: Buffer; fingerprint: string } {
  if (/PRIVATE KEY-----/.test(pem)) {
    throw new DamError(
      'USAGE',
      `'${source}' holds a private key.`,
      'Give the public key only (dam key export-public NAME); keep the private key on the signing machine.',
    );
  }
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new DamError(
      'USAGE',
      `'${source}' is not a PEM public key.`,
      "Give a file written by dam key export-public NAME (or keys/NAME.pub in the signer's state directory).",
    );
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new DamError(
      'USAGE',
      `'${source}' is a ${key.asymmetricKeyType ?? 'unknown'} key, not an Ed25519 key.`,
      'DAM signs with Ed25519 keys made by dam key generate.',
    );
  }
  const raw = rawPublicKey(key);
  return { key, raw, fingerprint: fingerprintOfRaw(raw) };
}

/** The public key object for raw bytes stored in trust.json. */
export function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') },
    format: 'jwk',
  });
}
