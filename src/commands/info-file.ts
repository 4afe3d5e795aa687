// `dam info FILE` for a bundle, a `.dam` or a DAM 1.x export: what it is, who signed it, and whether this
// host trusts that key (the verdict install and import would reach, without loading anything).
import { evaluate, describeVerdict, type Verdict } from '../core/signing/verdict.js';
import type { Subject } from '../core/signing/payload.js';
import { measureFile } from '../adapters/signing/subject.js';
import { readTrust } from '../adapters/signing/trust-file.js';
import { readDetachedSignature } from '../adapters/signing/archive-trust.js';
import { embeddedBundle } from '../adapters/bundle/self-contained.js';
import type { Context } from '../cli/context.js';
import { readIndex2 } from '../adapters/bundle/oci-read.js';
import { summarizeBundle2, type BundleSummary } from '../core/bundle/summary.js';
import type { CommandResult } from '../cli/spec.js';

export interface FileInfo {
  file: string;
  kind: 'bundle' | 'dam1-export' | 'archive';
  subject: Subject;
  product: string | null;
  signature: Verdict;
  /** The bundle sits behind DAM's executable (dam export --all --self-contained). */
  selfContained: boolean;
  /** A bundle of format 2: its platforms and apps. */
  contents?: BundleSummary;
}

export async function fileInfo(ctx: Context, path: string, signaturePath?: string): Promise<CommandResult> {
  const measured = await measureFile(path, { withTag: true, signal: ctx.signal });
  const signature = await readDetachedSignature(path, signaturePath);
  const verdict = evaluate({ policy: await readTrust(ctx.store().paths.home), subject: measured.subject, archive: path, ...(signature ? { signature } : {}), ...(measured.productName !== undefined ? { productName: measured.productName } : {}) });
  const selfContained = measured.kind === 'bundle' && embeddedBundle(path) !== undefined;
  const oci = measured.kind === 'bundle' ? await readIndex2(path) : undefined;
  const contents = oci ? summarizeBundle2(oci.index, oci.images) : undefined;
  const data: FileInfo = { file: path, kind: measured.kind, subject: measured.subject, product: measured.productName ?? null, signature: verdict, selfContained, ...(contents ? { contents } : {}) };
  const s = measured.subject;
  const lines = [
    `File:       ${path}`,
    `Kind:       ${selfContained ? "DAM bundle behind DAM's executable (a self-contained product: run it with import --yes)" : measured.kind === 'bundle' ? 'DAM bundle' : measured.kind === 'dam1-export' ? 'DAM 1.x export archive' : 'image archive (.dam or docker save)'}`,
    ...(measured.productName !== undefined ? [`Product:    ${measured.productName}`] : []),
    ...(s.kind === 'file' && s.tag ? [`Image:      ${s.tag}`] : []),
    s.kind === 'bundle' ? `Index:      sha256 ${s.indexSha256}` : `Digest:     sha256 ${s.sha256} (${s.size} bytes)`,
    ...(contents ? [`Format:     2 (OCI image layout)`, `Platforms:  ${contents.platforms.join(', ')}`, ...contents.apps.map((a) => `App:        ${a.tag} (${a.platforms.join(', ')})`)] : []),
    `Signature:  ${describeVerdict(verdict)}`,
    ...(verdict.status === 'refused' ? [`            ${verdict.message}`] : []),
  ];
  return { data, text: lines.join('\n') };
}
