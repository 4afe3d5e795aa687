// `dam info FILE` for a bundle, a `.dam` or a DAM 1.x export: what it is, who signed it, and whether this
// host trusts that key (the verdict install and import would reach, without loading anything).
import { evaluate, type Verdict } from '../core/signing/verdict.js';
import type { Subject } from '../core/signing/payload.js';
import { summarizeApps, type AppSummary } from '../core/bundle/contents-summary.js';
import { planImport, type ImportPlan } from '../core/import-plan.js';
import { isDamError } from '../core/errors.js';
import type { Product } from '../core/product.js';
import type { State } from '../core/state.js';
import type { Store } from '../core/ports/store.js';
import type { ArchiveFacts, TrustStore } from '../core/ports/signing.js';

export interface FileInfoPorts {
  store(): Store;
  trustStore(): Promise<TrustStore>;
  files: ArchiveFacts;
  signal: AbortSignal;
}

export interface FileInfo {
  file: string;
  kind: 'bundle' | 'dam1-export' | 'archive';
  subject: Subject;
  product: string | null;
  signature: Verdict;
  /** The bundle sits behind DAM's executable (dam export --all --self-contained). */
  selfContained: boolean;
  /** The product's release number, from its signature; null when unsigned. */
  sequence: number | null;
  apps: AppSummary[];
  /** What `dam import FILE` (`dam install FILE` for a .dam) would change on this host, computed read-only. */
  plan: PlanView | { refused: string } | null;
}

export type PlanView = {
  scope: ImportPlan['scope'] | 'app';
  keep: string[];
  remove: string[];
  upgrade: Array<{ from: string; to: string }>;
  install: string[];
};

export const key = (a: { name: string; version: string }) => `${a.name}:${a.version}`;

/** The import plan against this host's state; a conflict is shown, not thrown: info only looks. */
function planView(state: State, product: Product): FileInfo['plan'] {
  try {
    const p = planImport(state, product, { restore: false });
    return {
      scope: p.scope,
      keep: p.keep.map(key),
      remove: p.remove.map(key),
      upgrade: p.upgrade.map((u) => ({ from: key(u.from), to: key(u.to) })),
      install: p.install.map(key),
    };
  } catch (err) {
    if (isDamError(err, 'CONFLICT')) return { refused: err.message };
    throw err;
  }
}

/** A .dam carries one app, named by its tag; installing it either adds it or finds it there. */
function damApp(tag: string | undefined, state: State): { apps: AppSummary[]; plan: FileInfo['plan'] } {
  const base = tag?.slice(tag.lastIndexOf('/') + 1) ?? '';
  const [name, version] = base.split(':');
  if (!tag || !name || !version) return { apps: [], plan: null };
  const installed = state.apps.some((a) => a.name === name && a.version === version);
  return {
    apps: [{ name, version, tag, platforms: [], bytes: null, sharedLayers: 0, description: null }],
    plan: { scope: 'app', keep: installed ? [base] : [], remove: [], upgrade: [], install: installed ? [] : [base] },
  };
}

async function contentsOf(
  ports: FileInfoPorts,
  path: string,
  kind: FileInfo['kind'],
  tag: string | undefined,
): Promise<Pick<FileInfo, 'apps' | 'plan'>> {
  const state = await ports.store().read();
  if (kind === 'archive') return damApp(tag, state);
  // Opening reads the index only (first in a bundle); the engine is not asked anything.
  const contents = await ports.files.openBundle(path, ports.signal);
  if (!contents) return { apps: [], plan: null };
  return { apps: summarizeApps(contents), plan: planView(state, contents.product) };
}

/** What the file at `path` is, who signed it (`signaturePath`, else `path.sig`), and what importing it would change. */
export async function describeFile(ports: FileInfoPorts, path: string, signaturePath?: string): Promise<FileInfo> {
  const measured = await ports.files.measure(path, ports.signal);
  const signature = await ports.files.detachedSignature(path, signaturePath);
  const verdict = evaluate({
    policy: await (await ports.trustStore()).read(),
    subject: measured.subject,
    archive: path,
    ...(signature ? { signature } : {}),
    ...(measured.productName !== undefined ? { productName: measured.productName } : {}),
  });
  const selfContained = measured.kind === 'bundle' && ports.files.selfContained(path);
  const sequence = 'sequence' in verdict && verdict.sequence !== undefined ? verdict.sequence : null;
  return {
    file: path,
    kind: measured.kind,
    subject: measured.subject,
    product: measured.productName ?? null,
    signature: verdict,
    selfContained,
    sequence,
    ...(await contentsOf(
      ports,
      path,
      measured.kind,
      measured.subject.kind === 'file' ? measured.subject.tag : undefined,
    )),
  };
}
