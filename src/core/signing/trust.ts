// The host's trust policy (`trust.json`, format 2): the public keys it accepts signatures from, the highest
// sequence it has accepted per (product name, key), and per (app, key) the newest signed release that
// installed the app. No key trusted means no signature is required. Format 1 (no per-app entries) still reads.
import { at, fieldReader } from '../json-fields.js';
import { DamError } from '../errors.js';
import { FINGERPRINT, fingerprintOfRaw } from './fingerprint.js';

export const TRUST_FORMAT = 2;

export interface TrustedKey {
  name: string;
  fingerprint: string;
  /** Base64 of the raw 32-byte Ed25519 public key. */
  publicKey: string;
  addedAt: string;
}

export interface AcceptedSequence {
  product: string;
  fingerprint: string;
  sequence: number;
  acceptedAt: string;
}

/** The newest signed release (by its signing time) that put `app` on this host, per key. */
export interface AcceptedApp {
  app: string;
  fingerprint: string;
  product: string;
  sequence: number;
  /** The signed payload's `created`: how releases under different names are ordered. */
  created: string;
  acceptedAt: string;
}

export interface TrustPolicy {
  format: typeof TRUST_FORMAT;
  keys: TrustedKey[];
  accepted: AcceptedSequence[];
  acceptedApps: AcceptedApp[];
}

export const emptyTrust = (): TrustPolicy => ({ format: TRUST_FORMAT, keys: [], accepted: [], acceptedApps: [] });

const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function validateKeyName(name: string): string {
  if (!KEY_NAME.test(name))
    throw new DamError(
      'INVALID_NAME',
      `'${name}' is not a valid key name.`,
      'Use letters, digits, dot, dash and underscore (at most 64), starting with a letter or digit.',
    );
  return name;
}

export function addTrustedKey(policy: TrustPolicy, key: TrustedKey): TrustPolicy {
  validateKeyName(key.name);
  const same = policy.keys.find((k) => k.fingerprint === key.fingerprint);
  if (same)
    throw new DamError(
      'CONFLICT',
      `The key ${key.fingerprint} is already trusted, as '${same.name}'.`,
      'dam trust list shows the trusted keys.',
    );
  if (policy.keys.some((k) => k.name === key.name))
    throw new DamError(
      'CONFLICT',
      `A trusted key is already named '${key.name}'.`,
      'Choose another name with --name, or remove that key first (dam trust remove).',
    );
  return { ...policy, keys: [...policy.keys, key] };
}

/** Removes a key by name or fingerprint. Its accepted sequences stay: trusting it again keeps rollback protection. */
export function removeTrustedKey(
  policy: TrustPolicy,
  nameOrFingerprint: string,
): { policy: TrustPolicy; removed: TrustedKey } {
  const removed = policy.keys.find((k) => k.name === nameOrFingerprint || k.fingerprint === nameOrFingerprint);
  if (!removed)
    throw new DamError(
      'NOT_FOUND',
      `No trusted key is named or has the fingerprint '${nameOrFingerprint}'.`,
      'dam trust list shows the trusted keys.',
    );
  return { policy: { ...policy, keys: policy.keys.filter((k) => k !== removed) }, removed };
}

export function highestAccepted(policy: TrustPolicy, product: string, fingerprint: string): number | undefined {
  return policy.accepted.find((a) => a.product === product && a.fingerprint === fingerprint)?.sequence;
}

/** Records an accepted sequence; never lowers the highest one (an allowed downgrade leaves it as it was). */
export function recordAccepted(policy: TrustPolicy, entry: AcceptedSequence): TrustPolicy {
  const current = highestAccepted(policy, entry.product, entry.fingerprint);
  if (current !== undefined && current >= entry.sequence) return policy;
  const others = policy.accepted.filter((a) => !(a.product === entry.product && a.fingerprint === entry.fingerprint));
  return { ...policy, accepted: [...others, entry] };
}

export function acceptedApp(policy: TrustPolicy, app: string, fingerprint: string): AcceptedApp | undefined {
  return policy.acceptedApps.find((a) => a.app === app && a.fingerprint === fingerprint);
}

/**
 * Whether a release (product, sequence, created) is older than the one that installed `entry`'s app: by
 * sequence under the same product name, by signing time across names (sequences of different names are
 * not comparable; the signing time is signed too).
 */
export function olderThan(
  entry: AcceptedApp,
  release: { product: string; sequence: number; created: string },
): boolean {
  if (entry.product === release.product) return release.sequence < entry.sequence;
  const [was, is] = [Date.parse(entry.created), Date.parse(release.created)];
  return Number.isFinite(was) && Number.isFinite(is) ? is < was : release.sequence < entry.sequence;
}

/** Records the release that installed each app; never replaces a newer one (an allowed downgrade keeps it). */
export function recordAcceptedApps(policy: TrustPolicy, apps: string[], entry: Omit<AcceptedApp, 'app'>): TrustPolicy {
  let acceptedApps = policy.acceptedApps;
  for (const app of new Set(apps)) {
    const current = acceptedApp({ ...policy, acceptedApps }, app, entry.fingerprint);
    if (current && !olderThan({ ...entry, app }, current)) continue;
    acceptedApps = [...acceptedApps.filter((a) => a !== current), { app, ...entry }];
  }
  return acceptedApps === policy.acceptedApps ? policy : { ...policy, acceptedApps };
}

export function serializeTrust(policy: TrustPolicy): string {
  return `${JSON.stringify(policy, null, 2)}\n`;
}

function corrupt(source: string, what: string): DamError {
  return new DamError(
    'STATE_CORRUPT',
    `The trust policy ${source} is damaged: ${what}.`,
    'Restore it from a backup, or move it aside and trust the keys again (dam trust add); until then no archive is accepted unchecked.',
  );
}

export function parseTrust(text: string, source: string): TrustPolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw corrupt(source, 'it is not valid JSON');
  }
  const o = raw as Record<string, unknown>;
  if (typeof o !== 'object' || o === null) throw corrupt(source, 'it is not an object');
  if (typeof o.format === 'number' && o.format > TRUST_FORMAT)
    throw new DamError(
      'STATE_TOO_NEW',
      `The trust policy ${source} has format ${o.format}, which this DAM does not read.`,
      'Use the DAM that wrote it.',
    );
  // Format 1 had no per-app entries: it reads as format 2 with none, and is written back as format 2.
  const apps = o.format === 1 ? [] : o.acceptedApps;
  if (
    (o.format !== 1 && o.format !== TRUST_FORMAT) ||
    !Array.isArray(o.keys) ||
    !Array.isArray(o.accepted) ||
    !Array.isArray(apps)
  )
    throw corrupt(source, 'format, keys, accepted or acceptedApps is missing');
  // The one field reader (json-fields.ts): a damaged entry is named down to its field.
  const r = fieldReader((path, problem) => {
    throw corrupt(source, `${path} ${problem}`);
  });
  const keys = o.keys.map((k: unknown, i: number): TrustedKey => {
    const where = at('keys', i);
    const e = r.object(k, where);
    const key = {
      name: r.string(e, 'name', where),
      fingerprint: r.string(e, 'fingerprint', where),
      publicKey: r.string(e, 'publicKey', where),
      addedAt: r.string(e, 'addedAt', where),
    };
    if (
      !FINGERPRINT.test(key.fingerprint) ||
      fingerprintOfRaw(Buffer.from(key.publicKey, 'base64')) !== key.fingerprint
    )
      throw corrupt(source, `keys[${i}] has a fingerprint that is not its key's`);
    return key;
  });
  const accepted = o.accepted.map((a: unknown, i: number): AcceptedSequence => {
    const where = at('accepted', i);
    const e = r.object(a, where);
    return {
      product: r.string(e, 'product', where),
      fingerprint: r.string(e, 'fingerprint', where),
      sequence: r.whole(e, 'sequence', where),
      acceptedAt: r.string(e, 'acceptedAt', where),
    };
  });
  const acceptedApps = apps.map((a: unknown, i: number): AcceptedApp => {
    const where = at('acceptedApps', i);
    const e = r.object(a, where);
    const field = (k: string) => r.string(e, k, where);
    return {
      app: field('app'),
      fingerprint: field('fingerprint'),
      product: field('product'),
      sequence: r.whole(e, 'sequence', where),
      created: field('created'),
      acceptedAt: field('acceptedAt'),
    };
  });
  return { format: TRUST_FORMAT, keys, accepted, acceptedApps };
}
