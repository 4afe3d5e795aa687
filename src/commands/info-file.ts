// `dam info FILE` for a bundle, a `.dam` or a DAM 1.x export: what it is, who signed it, and whether this
// host trusts that key (the verdict install and import would reach, without loading anything).
import { evaluate, describeVerdict, type Verdict } from '../core/signing/verdict.js';
import type { Subject } from '../core/signing/payload.js';
import { measureFile } from '../adapters/signing/subject.js';
import { readDetachedSignature } from '../adapters/signing/archive-trust.js';
import { embeddedBundle } from '../adapters/bundle/self-contained.js';
import { createBundles } from '../adapters/bundle/tar-bundles.js';
import { summarizeApps, type AppSummary } from '../core/bundle/contents-summary.js';
import { planImport, type ImportPlan } from '../core/import-plan.js';
import { isDamError } from '../core/errors.js';
import type { Product } from '../core/product.js';
import type { State } from '../core/state.js';
import type { Context } from '../cli/context.js';
import type { CommandResult } from '../cli/spec.js';

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

type PlanView = { scope: ImportPlan['scope'] | 'app'; keep: string[]; remove: string[]; upgrade: Array<{ from: string; to: string }>; install: string[] };

const key = (a: { name: string; version: string }) => `${a.name}:${a.version}`;

/** The import plan against this host's state; a conflict is shown, not thrown: info only looks. */
function planView(state: State, product: Product): FileInfo['plan'] {
  try {
    const p = planImport(state, product, { restore: false });
    return { scope: p.scope, keep: p.keep.map(key), remove: p.remove.map(key), upgrade: p.upgrade.map((u) => ({ from: key(u.from), to: key(u.to) })), install: p.install.map(key) };
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
  return { apps: [{ name, version, tag, platforms: [], bytes: null, sharedLayers: 0, description: null }], plan: { scope: 'app', keep: installed ? [base] : [], remove: [], upgrade: [], install: installed ? [] : [base] } };
}

async function contentsOf(ctx: Context, path: string, kind: FileInfo['kind'], tag: string | undefined): Promise<Pick<FileInfo, 'apps' | 'plan'>> {
  const state = await ctx.store().read();
  if (kind === 'archive') return damApp(tag, state);
  // Opening reads the index only (first in a bundle); the engine is not asked anything.
  const contents = await createBundles(await ctx.engine()).open(path, ctx.signal);
  if (!contents) return { apps: [], plan: null };
  return { apps: summarizeApps(contents), plan: planView(state, contents.product) };
}

function size(bytes: number | null): string {
  return bytes === null ? '-' : bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.ceil(bytes / 1e3)} kB`;
}

function contentLines(data: FileInfo): string[] {
  const lines = data.apps.length ? ['Apps:'] : [];
  for (const a of data.apps) {
    lines.push(`  ${key(a)}  ${a.platforms.join(',') || '-'}  ${size(a.bytes)}${a.sharedLayers ? `  ${a.sharedLayers} layer(s) shared` : ''}${a.description ? `  ${a.description}` : ''}`);
  }
  const plan = data.plan;
  if (plan === null) return lines;
  if ('refused' in plan) return [...lines, `Importing:  refused: ${plan.refused}`];
  const parts = [...plan.install.map((x) => `+${x}`), ...plan.upgrade.map((u) => `${u.from} -> ${u.to}`), ...plan.remove.map((x) => `-${x}`)];
  const scope = plan.scope === 'product' ? ' (only this product\'s apps)' : plan.scope === 'host' ? ' (the whole host)' : '';
  return [...lines, `Importing${scope}: ${parts.length ? parts.join(', ') : 'nothing to change, the host has it'}`];
}

export async function fileInfo(ctx: Context, path: string, signaturePath?: string): Promise<CommandResult> {
  const measured = await measureFile(path, { withTag: true, signal: ctx.signal });
  const signature = await readDetachedSignature(path, signaturePath);
  const verdict = evaluate({ policy: await (await ctx.trustStore()).read(), subject: measured.subject, archive: path, ...(signature ? { signature } : {}), ...(measured.productName !== undefined ? { productName: measured.productName } : {}) });
  const selfContained = measured.kind === 'bundle' && embeddedBundle(path) !== undefined;
  const sequence = 'sequence' in verdict && verdict.sequence !== undefined ? verdict.sequence : null;
  const data: FileInfo = { file: path, kind: measured.kind, subject: measured.subject, product: measured.productName ?? null, signature: verdict, selfContained, sequence, ...(await contentsOf(ctx, path, measured.kind, measured.subject.kind === 'file' ? measured.subject.tag : undefined)) };
  const s = measured.subject;
  const lines = [
    `File:       ${path}`,
    `Kind:       ${selfContained ? "DAM bundle behind DAM's executable (a self-contained product: run it with import --yes)" : measured.kind === 'bundle' ? 'DAM bundle' : measured.kind === 'dam1-export' ? 'DAM 1.x export archive' : 'image archive (.dam or docker save)'}`,
    ...(measured.productName !== undefined ? [`Product:    ${measured.productName}${sequence !== null ? `, release ${sequence}` : ''}`] : []),
    ...(s.kind === 'file' && s.tag ? [`Image:      ${s.tag}`] : []),
    s.kind === 'bundle' ? `Index:      sha256 ${s.indexSha256}` : `Digest:     sha256 ${s.sha256} (${s.size} bytes)`,
    `Signature:  ${describeVerdict(verdict)}`,
    ...(verdict.status === 'refused' ? [`            ${verdict.message}`] : []),
    ...contentLines(data),
  ];
  return { data, text: lines.join('\n') };
}
