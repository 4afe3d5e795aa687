// The signed payload (format 1) and the detached signature file that carries it (`FILE.sig`). The payload
// is canonical JSON; the signature is Ed25519 over a domain prefix and the payload's exact bytes, so a
// signature made for DAM can never be replayed as another program's, nor a payload re-encoded. See
// docs/formats.md, "Signatures and trust".
import { sign, verify, type KeyObject } from 'node:crypto';
import { DamError, usageError } from '../errors.js';
import { canonicalJson } from '../bundle/canonical-json.js';
import { FINGERPRINT } from './fingerprint.js';

export const SIGNATURE_FORMAT = 1;
const DOMAIN = 'dam-signature-v1\n';

/** What a signature pins: a bundle by its index (which pins every blob and /meta file), any other file whole. */
export type Subject =
  | { kind: 'bundle'; indexSha256: string }
  /** A `.dam` (with its image tag) or a DAM 1.x export archive (no tag). */
  | { kind: 'file'; sha256: string; size: number; tag?: string };

export interface Payload {
  format: typeof SIGNATURE_FORMAT;
  subject: Subject;
  /** The product (or for a `.dam`, the app) name: rollback protection counts sequences per name and key. */
  product: string;
  /** Increases with every release the signer publishes under this name. */
  sequence: number;
  /** Fingerprint of the signing key (see fingerprint.ts). */
  signer: string;
  /** ISO 8601, for people: never compared. */
  created: string;
}

/** The on-disk `.sig` file: the payload as the exact string that was signed, and the base64 signature. */
export interface SignatureFile {
  format: typeof SIGNATURE_FORMAT;
  payload: string;
  signature: string;
}

const HEX = /^[0-9a-f]{64}$/;

export function encodePayload(payload: Payload): string {
  return canonicalJson(payload);
}

const signedBytes = (payloadText: string) => Buffer.from(DOMAIN + payloadText, 'utf8');

export function signPayload(payload: Payload, privateKey: KeyObject): SignatureFile {
  const text = encodePayload(payload);
  return {
    format: SIGNATURE_FORMAT,
    payload: text,
    signature: sign(null, signedBytes(text), privateKey).toString('base64'),
  };
}

export function verifySignature(file: SignatureFile, publicKey: KeyObject): boolean {
  return verify(null, signedBytes(file.payload), publicKey, Buffer.from(file.signature, 'base64'));
}

export function formatSignatureFile(file: SignatureFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

function bad(source: string, what: string): DamError {
  return new DamError(
    'ARCHIVE_INVALID',
    `The signature file '${source}' is invalid: ${what}.`,
    'Sign the file again (dam sign KEY FILE) or copy its .sig again.',
  );
}

function parseSubject(v: unknown, source: string): Subject {
  const s = v as Record<string, unknown>;
  if (typeof s !== 'object' || s === null) throw bad(source, 'subject is not an object');
  if (s.kind === 'bundle' && typeof s.indexSha256 === 'string' && HEX.test(s.indexSha256))
    return { kind: 'bundle', indexSha256: s.indexSha256 };
  if (
    s.kind === 'file' &&
    typeof s.sha256 === 'string' &&
    HEX.test(s.sha256) &&
    Number.isSafeInteger(s.size) &&
    (s.tag === undefined || typeof s.tag === 'string')
  ) {
    const out: Subject = { kind: 'file', sha256: s.sha256, size: s.size as number };
    if (typeof s.tag === 'string') out.tag = s.tag;
    return out;
  }
  throw bad(source, 'subject is neither a bundle index nor a file digest');
}

/**
 * Reads a `.sig` file and its payload. The payload is read before the signature is checked (its signer
 * names the key to check with), so nothing from it may be trusted until verifySignature says so.
 */
export function parseSignatureFile(text: string, source: string): { file: SignatureFile; payload: Payload } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw bad(source, 'it is not JSON');
  }
  const o = raw as Record<string, unknown>;
  if (typeof o !== 'object' || o === null) throw bad(source, 'it is not an object');
  if (typeof o.format === 'number' && o.format > SIGNATURE_FORMAT) {
    throw new DamError(
      'STATE_TOO_NEW',
      `The signature file '${source}' has format ${o.format}, which this DAM does not read.`,
      'Verify it with a newer DAM.',
    );
  }
  if (o.format !== SIGNATURE_FORMAT || typeof o.payload !== 'string' || typeof o.signature !== 'string')
    throw bad(source, 'format, payload or signature is missing');
  let p: Record<string, unknown>;
  try {
    p = JSON.parse(o.payload) as Record<string, unknown>;
  } catch {
    throw bad(source, 'its payload is not JSON');
  }
  if (typeof p !== 'object' || p === null || p.format !== SIGNATURE_FORMAT)
    throw bad(source, 'its payload has no known format');
  if (
    typeof p.product !== 'string' ||
    p.product === '' ||
    !Number.isSafeInteger(p.sequence) ||
    (p.sequence as number) < 0
  )
    throw bad(source, 'its payload has no product name or sequence');
  if (typeof p.signer !== 'string' || !FINGERPRINT.test(p.signer) || typeof p.created !== 'string')
    throw bad(source, 'its payload has no signer fingerprint');
  const payload: Payload = {
    format: SIGNATURE_FORMAT,
    subject: parseSubject(p.subject, source),
    product: p.product,
    sequence: p.sequence as number,
    signer: p.signer,
    created: p.created,
  };
  if (encodePayload(payload) !== o.payload)
    throw bad(source, 'its payload is not in canonical form or has unknown fields');
  return { file: { format: SIGNATURE_FORMAT, payload: o.payload, signature: o.signature }, payload };
}

/** `--sequence N`: a non-negative integer given as digits; undefined when not given. */
export function parseSequence(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || !Number.isSafeInteger(n))
    throw usageError(`--sequence takes a non-negative integer, not '${String(value)}'.`, 'Example: --sequence 42');
  return n;
}
