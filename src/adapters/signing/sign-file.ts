// Signs a bundle, a `.dam` or a DAM 1.x export: measures it, builds the payload and writes the detached
// signature `FILE.sig` atomically next to it (replacing an older signature of the file).
import { DamError, usageError } from '../../core/errors.js';
import type { SignRequest, Signed } from '../../core/ports/signing.js';
import { appNameOf, parseRef } from '../../core/ref.js';
import { formatSignatureFile, signPayload, SIGNATURE_FORMAT, type Payload } from '../../core/signing/payload.js';
import { writeFileAtomic } from '../store/atomic.js';
import type { KeyFiles } from './key-files.js';
import { measureFile } from './subject.js';

export interface SignFileRequest extends SignRequest {
  keys: Pick<KeyFiles, 'privateKey'>;
}

function productName(request: SignFileRequest, measured: Awaited<ReturnType<typeof measureFile>>): string {
  const own =
    measured.productName ??
    (measured.subject.kind === 'file' && measured.subject.tag ? appNameOf(parseRef(measured.subject.tag)) : undefined);
  if (request.product !== undefined && measured.productName !== undefined && request.product !== measured.productName) {
    throw usageError(
      `The bundle carries the product name '${measured.productName}'; it cannot be signed as '${request.product}'.`,
      'Leave out --name, or export the bundle again with --name.',
    );
  }
  const name = request.product ?? own;
  if (name === undefined || name === '')
    throw usageError(
      `'${request.path}' has no product name to sign it under.`,
      'Give one with --name NAME (rollback protection counts releases per name).',
    );
  return name;
}

export async function signFile(request: SignFileRequest): Promise<Signed> {
  const { key, fingerprint } = await request.keys.privateKey(request.key);
  const measured = await measureFile(request.path, {
    withTag: true,
    ...(request.signal ? { signal: request.signal } : {}),
  });
  const sequence = request.sequence ?? request.now.getTime();
  if (!Number.isSafeInteger(sequence) || sequence < 0)
    throw new DamError('USAGE', `The sequence ${sequence} is not a non-negative integer.`, 'Example: --sequence 42');
  const payload: Payload = {
    format: SIGNATURE_FORMAT,
    subject: measured.subject,
    product: productName(request, measured),
    sequence,
    signer: fingerprint,
    created: request.now.toISOString(),
  };
  const signaturePath = `${request.path}.sig`;
  await writeFileAtomic(signaturePath, formatSignatureFile(signPayload(payload, key)), 0o644);
  return { path: request.path, signaturePath, kind: measured.kind, payload };
}
