// `dam info FILE` for a bundle, a `.dam` or a DAM 1.x export, shown (the facts: app/info-file.ts).
import { describeVerdict } from '../core/signing/verdict.js';
import { describeFile, key, type FileInfo } from '../app/info-file.js';
import type { Context } from '../cli/context.js';
import type { CommandResult } from '../cli/spec.js';

export type { FileInfo };

function size(bytes: number | null): string {
  return bytes === null ? '-' : bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.ceil(bytes / 1e3)} kB`;
}

function contentLines(data: FileInfo): string[] {
  const lines = data.apps.length ? ['Apps:'] : [];
  for (const a of data.apps) {
    lines.push(
      `  ${key(a)}  ${a.platforms.join(',') || '-'}  ${size(a.bytes)}${a.sharedLayers ? `  ${a.sharedLayers} layer(s) shared` : ''}${a.description ? `  ${a.description}` : ''}`,
    );
  }
  const plan = data.plan;
  if (plan === null) return lines;
  if ('refused' in plan) return [...lines, `Importing:  refused: ${plan.refused}`];
  const parts = [
    ...plan.install.map((x) => `+${x}`),
    ...plan.upgrade.map((u) => `${u.from} -> ${u.to}`),
    ...plan.remove.map((x) => `-${x}`),
  ];
  const scope =
    plan.scope === 'product' ? " (only this product's apps)" : plan.scope === 'host' ? ' (the whole host)' : '';
  return [...lines, `Importing${scope}: ${parts.length ? parts.join(', ') : 'nothing to change, the host has it'}`];
}

export async function fileInfo(ctx: Context, path: string, signaturePath?: string): Promise<CommandResult> {
  const data = await describeFile(
    {
      store: () => ctx.store(),
      trustStore: () => ctx.trustStore(),
      files: await ctx.archiveFacts(),
      signal: ctx.signal,
    },
    path,
    signaturePath,
  );
  const { selfContained, sequence, signature: verdict } = data;
  const s = data.subject;
  const lines = [
    `File:       ${path}`,
    `Kind:       ${selfContained ? "DAM bundle behind DAM's executable (a self-contained product: run it with import --yes)" : data.kind === 'bundle' ? 'DAM bundle' : data.kind === 'dam1-export' ? 'DAM 1.x export archive' : 'image archive (.dam or docker save)'}`,
    ...(data.product !== null
      ? [`Product:    ${data.product}${sequence !== null ? `, release ${sequence}` : ''}`]
      : []),
    ...(s.kind === 'file' && s.tag ? [`Image:      ${s.tag}`] : []),
    s.kind === 'bundle' ? `Index:      sha256 ${s.indexSha256}` : `Digest:     sha256 ${s.sha256} (${s.size} bytes)`,
    `Signature:  ${describeVerdict(verdict)}`,
    ...(verdict.status === 'refused' ? [`            ${verdict.message}`] : []),
    ...contentLines(data),
  ];
  return { data, text: lines.join('\n') };
}
