// Whether a host accepts an archive: the pure decision from the trust policy, the archive's detached
// signature (if any) and what the archive actually is (its subject, measured by the caller). Plain data, so
// that `dam import --dry-run` and `dam info` can show it, and the appliers refuse on it before loading.
import { DamError, isDamError } from '../errors.js';
import { parseSignatureFile, verifySignature, type Payload, type Subject } from './payload.js';
import { publicKeyFromRaw } from './fingerprint.js';
import { acceptedApp, highestAccepted, olderThan, type TrustPolicy } from './trust.js';
import { appNameOf, parseRef } from '../ref.js';

export type RefusalReason =
  'unsigned' | 'unknown-key' | 'bad-signature' | 'digest-mismatch' | 'product-mismatch' | 'rollback';

export interface Signer {
  fingerprint: string;
  /** The name this host trusts the key under; absent for a key it does not trust. */
  trustedAs?: string;
}

export type Verdict =
  /** No key is trusted on this host: signatures are not required (one may still be present). */
  | { status: 'not-required'; signer?: Signer; product?: string; sequence?: number }
  | {
      status: 'trusted';
      signer: Signer & { trustedAs: string };
      product: string;
      sequence: number;
      highestAccepted?: number;
      signedTag?: string;
      created?: string;
      apps?: string[];
    }
  | {
      status: 'refused';
      reason: RefusalReason;
      message: string;
      signer?: Signer;
      product?: string;
      sequence?: number;
      highestAccepted?: number;
    };

export interface VerdictInput {
  policy: TrustPolicy;
  /** The detached signature's text, or undefined when there is none. */
  signature?: { text: string; source: string };
  /** What the archive is: compared with what the signature pins. */
  subject: Subject;
  /** The product name the archive itself carries (a bundle's index), if any. */
  productName?: string;
  /** The names of the apps the archive installs; for a `.dam`, taken from the signed tag when absent. */
  apps?: string[];
  archive: string;
}

function appsOf(input: VerdictInput, payload: Payload): string[] {
  if (input.apps) return input.apps;
  const tag = payload.subject.kind === 'file' ? payload.subject.tag : undefined;
  if (tag === undefined) return [];
  try {
    return [appNameOf(parseRef(tag))];
  } catch {
    return [];
  }
}

function sameSubject(signed: Subject, actual: Subject): boolean {
  if (signed.kind === 'bundle') return actual.kind === 'bundle' && signed.indexSha256 === actual.indexSha256;
  // A file's tag is not measured before loading; the caller checks it against the archive's manifest.
  return actual.kind === 'file' && signed.sha256 === actual.sha256 && signed.size === actual.size;
}

export function evaluate(input: VerdictInput): Verdict {
  const { policy, archive } = input;
  const required = policy.keys.length > 0;
  if (!input.signature) {
    return required
      ? {
          status: 'refused',
          reason: 'unsigned',
          message: `${archive} is not signed (no detached signature found), and this host requires a signature from a trusted key.`,
        }
      : { status: 'not-required' };
  }
  let parsed: ReturnType<typeof parseSignatureFile>;
  try {
    parsed = parseSignatureFile(input.signature.text, input.signature.source);
  } catch (err) {
    // A damaged .sig is a bad signature where one is required, and no reason to stop where none is.
    if (!isDamError(err, 'ARCHIVE_INVALID')) throw err;
    return required ? { status: 'refused', reason: 'bad-signature', message: err.message } : { status: 'not-required' };
  }
  const { file, payload } = parsed;
  const key = policy.keys.find((k) => k.fingerprint === payload.signer);
  const about = { product: payload.product, sequence: payload.sequence };
  if (!key) {
    const signer = { fingerprint: payload.signer };
    return required
      ? {
          status: 'refused',
          reason: 'unknown-key',
          message: `${archive} is signed by the key ${payload.signer}, which this host does not trust.`,
          signer,
          ...about,
        }
      : { status: 'not-required', signer, ...about };
  }
  const signer = { fingerprint: key.fingerprint, trustedAs: key.name };
  if (!verifySignature(file, publicKeyFromRaw(Buffer.from(key.publicKey, 'base64')))) {
    return {
      status: 'refused',
      reason: 'bad-signature',
      message: `The signature ${input.signature.source} does not verify with the trusted key '${key.name}' (${key.fingerprint}): it or its payload was altered.`,
      signer,
    };
  }
  return checkSigned(input, payload, signer);
}

function checkSigned(input: VerdictInput, payload: Payload, signer: Signer & { trustedAs: string }): Verdict {
  const about = { signer, product: payload.product, sequence: payload.sequence };
  if (!sameSubject(payload.subject, input.subject)) {
    const what = input.subject.kind === 'bundle' ? 'bundle index' : 'file';
    return {
      status: 'refused',
      reason: 'digest-mismatch',
      message: `The signature ${input.signature?.source ?? ''} is valid but for another ${what}: ${input.archive} is not what '${signer.trustedAs}' signed (changed, or a different release).`,
      ...about,
    };
  }
  if (input.productName !== undefined && input.productName !== payload.product) {
    return {
      status: 'refused',
      reason: 'product-mismatch',
      message: `${input.archive} carries the product '${input.productName}', but its signature names '${payload.product}'.`,
      ...about,
    };
  }
  const highest = highestAccepted(input.policy, payload.product, signer.fingerprint);
  if (highest !== undefined && payload.sequence < highest) {
    return {
      status: 'refused',
      reason: 'rollback',
      message: `${input.archive} is '${payload.product}' sequence ${payload.sequence}, older than sequence ${highest} this host already accepted from '${signer.trustedAs}'.`,
      ...about,
      highestAccepted: highest,
    };
  }
  const apps = appsOf(input, payload);
  const newer = apps
    .map((app) => acceptedApp(input.policy, app, signer.fingerprint))
    .find((entry) => entry && olderThan(entry, payload));
  if (newer) {
    return {
      status: 'refused',
      reason: 'rollback',
      message: `${input.archive} ('${payload.product}' sequence ${payload.sequence}, signed ${payload.created}) would take back the app '${newer.app}', which the newer release '${newer.product}' sequence ${newer.sequence} (signed ${newer.created}) from '${signer.trustedAs}' installed.`,
      ...about,
    };
  }
  const tag = payload.subject.kind === 'file' ? payload.subject.tag : undefined;
  return {
    status: 'trusted',
    ...about,
    created: payload.created,
    apps,
    ...(highest !== undefined ? { highestAccepted: highest } : {}),
    ...(tag !== undefined ? { signedTag: tag } : {}),
  };
}

export interface AdmitFlags {
  insecureAllowUnsigned: boolean;
  allowDowngrade: boolean;
}

/** What an operation records about the archive it accepted (in its journal) and says to the user. */
export interface Admission {
  verdict: Verdict;
  /** Set when a flag let a refused archive through: the journal keeps it. */
  override?: '--insecure-allow-unsigned' | '--allow-downgrade';
}

/** Accepts a verdict or throws REFUSED naming the reason; a flag lets the matching refusal through. */
export function admit(verdict: Verdict, flags: AdmitFlags): Admission {
  if (verdict.status !== 'refused') return { verdict };
  if (verdict.reason === 'rollback') {
    if (flags.allowDowngrade) return { verdict, override: '--allow-downgrade' };
    throw new DamError(
      'REFUSED',
      `Refused (rollback): ${verdict.message}`,
      'A replayed older release is refused. If you mean to go back, add --allow-downgrade.',
    );
  }
  if (flags.insecureAllowUnsigned) return { verdict, override: '--insecure-allow-unsigned' };
  const hints: Record<Exclude<RefusalReason, 'rollback'>, string> = {
    unsigned:
      'Get the signed file and its .sig from the publisher (dam sign KEY FILE), or pass --insecure-allow-unsigned to accept it anyway (recorded in the journal).',
    'unknown-key': `If you trust that key, add it: dam trust add PUBKEY_FILE (check its fingerprint ${verdict.signer?.fingerprint ?? ''} with the publisher first).`,
    'bad-signature': 'Copy the file and its .sig again from the publisher; do not use this copy.',
    'digest-mismatch': 'The file or its .sig was swapped or changed: copy both again from the publisher.',
    'product-mismatch': 'Ask the publisher to sign the bundle under its own product name.',
  };
  throw new DamError('REFUSED', `Refused (${verdict.reason}): ${verdict.message}`, hints[verdict.reason]);
}

/** One line for people: who signed, and whether this host trusts them. */
export function describeVerdict(verdict: Verdict): string {
  const release = verdict.product !== undefined ? ` ('${verdict.product}' sequence ${verdict.sequence ?? '?'})` : '';
  if (verdict.status === 'trusted')
    return `signed by '${verdict.signer.trustedAs}' (${verdict.signer.fingerprint})${release}: trusted by this host`;
  if (verdict.status === 'not-required')
    return verdict.signer
      ? `signed by ${verdict.signer.fingerprint}${release}: not checked (this host trusts no key)`
      : 'not signed (this host trusts no key, so no signature is required)';
  const who = verdict.signer
    ? `signed by ${verdict.signer.trustedAs ? `'${verdict.signer.trustedAs}' ` : ''}(${verdict.signer.fingerprint})${release}`
    : 'not signed';
  return `${who}: REFUSED (${verdict.reason})`;
}
