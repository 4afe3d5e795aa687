// ArchiveTrust over the state directory's trust.json and detached `FILE.sig` files. Reads local files only.
import { errnoCode, isDamError } from '../../core/errors.js';
import type { ArchiveTrust, FileCheck } from '../../core/ports/signing.js';
import type { BundleContents } from '../../core/ports/bundle.js';
import { parseSignatureFile, type Subject } from '../../core/signing/payload.js';
import { evaluate, type AdmitFlags, type Verdict } from '../../core/signing/verdict.js';
import { recordAccepted, recordAcceptedApps, type TrustPolicy } from '../../core/signing/trust.js';
import { appNameOf, parseRef } from '../../core/ref.js';
import type { TrustStore } from '../../core/ports/signing.js';
import { fileSha256 } from './subject.js';
import { readRegularFile } from '../fs/regular-file.js';

/** A `.sig` is a few hundred bytes; a bigger one is not a signature. */
const SIGNATURE_MAX = 64 * 1024;

export interface ArchiveTrustOptions extends AdmitFlags {
  /** The host's trust.json. */
  trust: TrustStore;
  /** `--signature PATH`: the detached signature to use instead of `FILE.sig`. */
  signature?: string;
  signal?: AbortSignal;
}

/** The detached signature of `path`: `--signature` when given, else `path.sig`; undefined when absent. */
export async function readDetachedSignature(
  path: string,
  explicit?: string,
): Promise<{ text: string; source: string } | undefined> {
  const source = explicit ?? `${path}.sig`;
  try {
    return { text: (await readRegularFile(source, 'signature file', SIGNATURE_MAX)).toString('utf8'), source };
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' && explicit === undefined) return undefined;
    throw err;
  }
}

/** What the signature says the file is, so that the verdict can be given before the file is read. */
function claimedSubject(signature: { text: string; source: string } | undefined): Subject {
  if (signature) {
    try {
      const { subject } = parseSignatureFile(signature.text, signature.source).payload;
      if (subject.kind === 'file') return subject;
    } catch (err) {
      // evaluate() reports a damaged .sig itself.
      if (!isDamError(err)) throw err;
    }
  }
  return { kind: 'file', sha256: '', size: -1 };
}

export function fileArchiveTrust(options: ArchiveTrustOptions): ArchiveTrust {
  const verdictFor = async (
    path: string,
    measure: () => Promise<Subject>,
    productName?: string,
    apps?: string[],
  ): Promise<Verdict> => {
    const policy = await options.trust.read();
    const signature = await readDetachedSignature(path, options.signature);
    // With no key trusted and nothing to show, the file is not read a second time.
    if (!signature && policy.keys.length === 0) return { status: 'not-required' };
    const input = {
      policy,
      subject: await measure(),
      archive: path,
      ...(signature ? { signature } : {}),
      ...(productName !== undefined ? { productName } : {}),
      ...(apps ? { apps } : {}),
    };
    return evaluate(input);
  };
  const wholeFile = (path: string) => async (): Promise<Subject> => ({
    kind: 'file',
    ...(await fileSha256(path, options.signal)),
  });
  const fileCheck = async (path: string): Promise<FileCheck> => {
    const policy = await options.trust.read();
    const signature = await readDetachedSignature(path, options.signature);
    const input = { policy, archive: path, ...(signature ? { signature } : {}) };
    return {
      early: evaluate({ ...input, subject: claimedSubject(signature) }),
      measure: signature !== undefined && policy.keys.length > 0,
      final: (measured) => evaluate({ ...input, subject: { kind: 'file', ...measured } }),
    };
  };
  return {
    flags: { insecureAllowUnsigned: options.insecureAllowUnsigned, allowDowngrade: options.allowDowngrade },
    checkFile: async (path) => {
      const check = await fileCheck(path);
      return check.measure ? check.final(await fileSha256(path, options.signal)) : check.early;
    },
    fileCheck,
    checkBundle: (contents: BundleContents) => {
      const apps = contents.images.flatMap((image) => image.tags.map((tag) => appNameOf(parseRef(tag))));
      if (contents.kind === 'bundle' && contents.indexSha256 !== undefined) {
        const indexSha256 = contents.indexSha256;
        return verdictFor(
          contents.path,
          () => Promise.resolve({ kind: 'bundle', indexSha256 }),
          contents.product.name,
          apps,
        );
      }
      // A 1.x export was hashed in the pass that opened it; its load checks that it reads the same bytes.
      const { file } = contents;
      return verdictFor(
        contents.path,
        file ? () => Promise.resolve({ kind: 'file', ...file }) : wholeFile(contents.path),
        undefined,
        apps,
      );
    },
    accepted: async (verdict) => {
      if (verdict.status !== 'trusted') return;
      const { product, sequence, signer } = verdict;
      const entry = { product, fingerprint: signer.fingerprint, sequence, acceptedAt: new Date().toISOString() };
      const apps = (policy: TrustPolicy) =>
        recordAcceptedApps(policy, verdict.apps ?? [], { ...entry, created: verdict.created ?? '' });
      await options.trust.update('accept', (policy) => ({
        policy: apps(recordAccepted(policy, entry)),
        result: undefined,
      }));
    },
  };
}
