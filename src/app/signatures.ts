// The signature gate of install and import: refuse an archive the host's trust policy does not accept
// before anything of it is loaded, record in the operation's journal who signed it (or which flag let it
// through), and after the commit remember its sequence for rollback protection.
import { DamError } from '../core/errors.js';
import { admit, describeVerdict, type Admission, type Verdict } from '../core/signing/verdict.js';
import type { ActiveJournal, ArchiveImage } from '../core/ports/host.js';
import type { LifecycleDeps } from './lifecycle-deps.js';
import type { FileCheck } from '../core/ports/signing.js';

/** Throws REFUSED unless the verdict is accepted (or a flag lets it through, with a warning); journals it. */
export async function admitArchive(
  deps: LifecycleDeps,
  journal: ActiveJournal,
  archive: string,
  verdict: Verdict,
  options: { quiet?: boolean } = {},
): Promise<Admission | undefined> {
  if (!deps.trust) return undefined;
  const admission = admit(verdict, deps.trust.flags);
  if (verdict.status === 'not-required' && !admission.override) return admission;
  if (admission.override && verdict.status === 'refused') {
    deps.report.warn(
      `${admission.override}: accepting ${archive} although it is refused (${verdict.reason}): ${verdict.message} This is recorded in the operation's journal.`,
    );
  } else if (!options.quiet) {
    deps.report.info(`${archive}: ${describeVerdict(verdict)}`);
  }
  await journal.noteSignature({
    archive,
    status: verdict.status,
    ...(verdict.status === 'refused' ? { reason: verdict.reason } : {}),
    ...(verdict.signer ? { signer: verdict.signer.fingerprint } : {}),
    ...(verdict.product !== undefined ? { product: verdict.product } : {}),
    ...(verdict.sequence !== undefined ? { sequence: verdict.sequence } : {}),
    ...(admission.override ? { override: admission.override } : {}),
  });
  return admission;
}

/**
 * The verdict on the bytes the load pass actually read. It must be the one admitted before the pass (else
 * the file was swapped or changed while read): a different one is admitted anew, which refuses a swapped
 * file (digest-mismatch) unless a flag lets it through, journaled.
 */
export async function confirmSignature(
  deps: LifecycleDeps,
  journal: ActiveJournal,
  check: FileCheck,
  early: Admission | undefined,
  archive: ArchiveImage,
): Promise<Admission | undefined> {
  if (!check.measure) return early;
  if (archive.sha256 === undefined)
    throw new Error('the archive was loaded without the hash its signature check needs');
  const final = check.final({ sha256: archive.sha256, size: archive.size });
  if (JSON.stringify(final) === JSON.stringify(check.early)) {
    if (!early?.override) deps.report.info(`${archive.path}: ${describeVerdict(final)}`);
    return early;
  }
  return admitArchive(deps, journal, archive.path, final);
}

/** The archive's manifest must carry the tag the signature names (it pins the file; this catches a swap while reading). */
export function checkSignedArchive(admission: Admission | undefined, archive: ArchiveImage): void {
  const v = admission?.verdict;
  if (v?.status !== 'trusted' || v.signedTag === undefined || archive.tags.includes(v.signedTag)) return;
  throw new DamError(
    'REFUSED',
    `Refused (digest-mismatch): ${archive.path} holds ${archive.tags.join(', ') || 'no tag'}, but its signature is for ${v.signedTag}.`,
    'The file changed while it was read: copy it and its .sig again.',
  );
}

/** After the commit: remembers the accepted sequence. A failure here is reported, not fatal: the operation is done. */
export async function rememberAccepted(deps: LifecycleDeps, admission: Admission | undefined): Promise<void> {
  if (!deps.trust || admission?.verdict.status !== 'trusted') return;
  try {
    await deps.trust.accepted(admission.verdict);
  } catch (err) {
    deps.report.warn(
      `Could not record the accepted sequence of '${admission.verdict.product}' (rollback protection for it is not updated): ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}
