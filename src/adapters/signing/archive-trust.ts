// ArchiveTrust over the state directory's trust.json and detached `FILE.sig` files. Reads local files only.
import { errnoCode } from '../../core/errors.js';
import type { ArchiveTrust } from '../../core/ports/signing.js';
import type { BundleContents } from '../../core/ports/bundle.js';
import type { Subject } from '../../core/signing/payload.js';
import { evaluate, type AdmitFlags, type Verdict } from '../../core/signing/verdict.js';
import { recordAccepted, recordAcceptedApps, type TrustPolicy } from '../../core/signing/trust.js';
import { appNameOf, parseRef } from '../../core/ref.js';
import { readTrust, updateTrust } from './trust-file.js';
import { fileSha256 } from './subject.js';
import { readRegularFile } from '../fs/regular-file.js';

/** A `.sig` is a few hundred bytes; a bigger one is not a signature. */
const SIGNATURE_MAX = 64 * 1024;

export interface ArchiveTrustOptions extends AdmitFlags {
  home: string;
  /** `--signature PATH`: the detached signature to use instead of `FILE.sig`. */
  signature?: string;
  signal?: AbortSignal;
}

/** The detached signature of `path`: `--signature` when given, else `path.sig`; undefined when absent. */
export async function readDetachedSignature(path: string, explicit?: string): Promise<{ text: string; source: string } | undefined> {
  const source = explicit ?? `${path}.sig`;
  try {
    return { text: (await readRegularFile(source, 'signature file', SIGNATURE_MAX)).toString('utf8'), source };
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' && explicit === undefined) return undefined;
    throw err;
  }
}

export function fileArchiveTrust(options: ArchiveTrustOptions): ArchiveTrust {
  const verdictFor = async (path: string, measure: () => Promise<Subject>, productName?: string, apps?: string[]): Promise<Verdict> => {
    const policy = await readTrust(options.home);
    const signature = await readDetachedSignature(path, options.signature);
    // With no key trusted and nothing to show, the file is not read a second time.
    if (!signature && policy.keys.length === 0) return { status: 'not-required' };
    const input = { policy, subject: await measure(), archive: path, ...(signature ? { signature } : {}), ...(productName !== undefined ? { productName } : {}), ...(apps ? { apps } : {}) };
    return evaluate(input);
  };
  const wholeFile = (path: string) => async (): Promise<Subject> => ({ kind: 'file', ...(await fileSha256(path, options.signal)) });
  return {
    flags: { insecureAllowUnsigned: options.insecureAllowUnsigned, allowDowngrade: options.allowDowngrade },
    checkFile: (path) => verdictFor(path, wholeFile(path)),
    checkBundle: (contents: BundleContents) => {
      const apps = contents.images.flatMap((image) => image.tags.map((tag) => appNameOf(parseRef(tag))));
      if (contents.kind === 'bundle' && contents.indexSha256 !== undefined) {
        const indexSha256 = contents.indexSha256;
        return verdictFor(contents.path, () => Promise.resolve({ kind: 'bundle', indexSha256 }), contents.product.name, apps);
      }
      return verdictFor(contents.path, wholeFile(contents.path), undefined, apps);
    },
    accepted: async (verdict) => {
      if (verdict.status !== 'trusted') return;
      const { product, sequence, signer } = verdict;
      const entry = { product, fingerprint: signer.fingerprint, sequence, acceptedAt: new Date().toISOString() };
      const apps = (policy: TrustPolicy) => recordAcceptedApps(policy, verdict.apps ?? [], { ...entry, created: verdict.created ?? '' });
      await updateTrust(options.home, 'accept', (policy) => ({ policy: apps(recordAccepted(policy, entry)), result: undefined }));
    },
  };
}
