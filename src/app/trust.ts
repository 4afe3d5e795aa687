// `dam trust`: which keys this host trusts, and the releases it accepted from them.
import { basename } from 'node:path';
import { parsePublicKeyPem } from '../core/signing/fingerprint.js';
import { addTrustedKey, removeTrustedKey, validateKeyName, type TrustPolicy } from '../core/signing/trust.js';
import type { Keyring, TrustStore } from '../core/ports/signing.js';

export interface TrustPorts {
  keyring: Keyring;
  trust: TrustStore;
}

/** Trusts the public key in `path` (shown to the user as `shownAs`) under `name`, else the file's name. */
export async function trustKey(
  ports: TrustPorts,
  path: string,
  shownAs: string,
  name: string | undefined,
  now: Date,
): Promise<{ name: string; fingerprint: string }> {
  const pem = await ports.keyring.readPublicFile(path, shownAs);
  const { raw, fingerprint } = parsePublicKeyPem(pem, shownAs);
  const keyName = validateKeyName(name ?? basename(path).replace(/\.(pub|pem)$/, ''));
  const key = { name: keyName, fingerprint, publicKey: raw.toString('base64'), addedAt: now.toISOString() };
  await ports.trust.update('trust add', (policy) => ({ policy: addTrustedKey(policy, key), result: undefined }));
  return { name: keyName, fingerprint };
}

/** Stops trusting a key (by name or fingerprint): the key removed and the policy left. */
export function untrustKey(trust: TrustStore, key: string) {
  return trust.update('trust remove', (policy) => {
    const out = removeTrustedKey(policy, key);
    return { policy: out.policy, result: out };
  });
}

/** What `dam trust list` shows of the policy. */
export async function trustView(trust: TrustStore) {
  const policy: TrustPolicy = await trust.read();
  return {
    keys: policy.keys.map((k) => ({ name: k.name, fingerprint: k.fingerprint, addedAt: k.addedAt })),
    accepted: policy.accepted.map((a) => ({
      product: a.product,
      fingerprint: a.fingerprint,
      sequence: a.sequence,
      acceptedAt: a.acceptedAt,
    })),
    apps: policy.acceptedApps.map((a) => ({
      app: a.app,
      fingerprint: a.fingerprint,
      product: a.product,
      sequence: a.sequence,
      created: a.created,
    })),
  };
}
