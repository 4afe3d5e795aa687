// The signed payload (format 1) and the detached signature file that carries it (`FILE.sig`). The payload
// is canonical JSON; the signature is Ed25519 over a domain prefix and the payload's exact bytes, so a
// signature made for DAM can never be replayed as another program's, nor a payload re-encoded. See
// docs/formats.md, "Signatures and trust".
import { sign, verify, type KeyObject } from 'node:crypto';
import { DamError, usageError } from '../errors.js';
import { canonicalJson } from '../bundle/canonical-json.js';
import { FINGERPRINT } from './fingerprint.js';
import { at, fieldReader, type FieldReader, type Json } from '../json-fields.js';

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

/** The field reader of one signature file: a wrong field is ARCHIVE_INVALID naming its path (`payload.sequence`). */
function signatureFields(source: string): FieldReader {
  return fieldReader((path, problem) => {
    throw bad(source, `${path} ${problem}`);
  });
}

function parseSubject(f: FieldReader, v: unknown, path: string, source: string): Subject {
  const s = f.object(v, path);
  if (s.kind === 'bundle') return { kind: 'bundle', indexSha256: f.string(s, 'indexSha256', path, HEX) };
  if (s.kind !== 'file') throw bad(source, `${at(path, 'kind')} is neither 'bundle' nor 'file'`);
  const out: Subject = { kind: 'file', sha256: f.string(s, 'sha256', path, HEX), size: f.whole(s, 'size', path) };
  const tag = f.optString(s, 'tag', path);
  if (tag !== undefined) out.tag = tag;
  return out;
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
  const f = signatureFields(source);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad(source, 'it is not an object');
  const o = raw as Json;
  if (typeof o.format === 'number' && o.format > SIGNATURE_FORMAT) {
    throw new DamError(
      'STATE_TOO_NEW',
      `The signature file '${source}' has format ${o.format}, which this DAM does not read.`,
      'Verify it with a newer DAM.',
    );
  }
  if (o.format !== SIGNATURE_FORMAT) throw bad(source, `format is not ${SIGNATURE_FORMAT}`);
  const payloadText = f.string(o, 'payload', '');
  const signature = f.string(o, 'signature', '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(payloadText);
  } catch {
    throw bad(source, 'its payload is not JSON');
  }
  const p = f.object(parsed, 'payload');
  if (p.format !== SIGNATURE_FORMAT) throw bad(source, 'its payload has no known format');
  const product = f.string(p, 'product', 'payload', /./);
  const payload: Payload = {
    format: SIGNATURE_FORMAT,
    subject: parseSubject(f, p.subject, 'payload.subject', source),
    product,
    sequence: f.whole(p, 'sequence', 'payload'),
    signer: f.string(p, 'signer', 'payload', FINGERPRINT),
    created: f.string(p, 'created', 'payload'),
  };
  if (encodePayload(payload) !== payloadText)
    throw bad(source, 'its payload is not in canonical form or has unknown fields');
  return { file: { format: SIGNATURE_FORMAT, payload: payloadText, signature }, payload };
}

/** `--sequence N`: a non-negative integer given as digits; undefined when not given. */
export function parseSequence(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || !Number.isSafeInteger(n))
    throw usageError(`--sequence takes a non-negative integer, not '${String(value)}'.`, 'Example: --sequence 42');
  return n;
}
