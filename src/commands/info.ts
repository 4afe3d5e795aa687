// `dam info APP|FILE`, shown: an app image (app/info.ts) or a bundle or archive file (./info-file.ts).
import { resolve } from 'node:path';
import { escapeControls } from '../core/escape.js';
import { imageInfo, namesFile, type InfoResult } from '../app/info.js';
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { formatBytes } from '../cli/progress.js';
import type { InfoOptions } from './info.command.js';

export type { InfoResult };

export async function run(ctx: Context, { args, opts }: CommandInput<InfoOptions>): Promise<CommandResult> {
  const text = args[0] ?? '';
  // An existing file is a bundle or an archive: show what it is and who signed it.
  const file = resolve(ctx.cwd, text);
  if (await namesFile(await ctx.inputFiles(), text, file)) {
    const { fileInfo } = await import('./info-file.js');
    return fileInfo(ctx, file, typeof opts.signature === 'string' ? resolve(ctx.cwd, opts.signature) : undefined);
  }
  const ports = {
    registries: () => ctx.registries(),
    store: () => ctx.store(),
    signal: ctx.signal,
    engine: () => ctx.engine(),
    scanMeta: await ctx.metaScanner(),
    report: ctx.log,
  };
  return show(ctx, await imageInfo(ports, text));
}

const escape = (s: string) => escapeControls(s, 'lines');

function modeString(mode: number): string {
  return [6, 3, 0]
    .map(
      (shift) =>
        `${mode & (4 << shift) ? 'r' : '-'}${mode & (2 << shift) ? 'w' : '-'}${mode & (1 << shift) ? 'x' : '-'}`,
    )
    .join('');
}

/** One style for every label, 1.x's: `Label KEY: 'VALUE'`, a multi-line value continued on indented lines. */
function labelLine(key: string, value: string): string {
  return `Label ${escape(key)}: '${escape(value).replace(/\n/g, '\n    ')}'`;
}

function show(ctx: Context, info: InfoResult): CommandResult {
  const lines = [''];
  const description = info.description?.replace(/\s+$/, '');
  if (description) lines.push(ctx.style.yellow(escape(description)), '');
  // DAM 1.x's three lines first, unchanged; then DAM 2's own; the description label only when it says more.
  const first = ['DAM_APP_FAMILY', 'DAM_APP_MULTIVERSION', 'DAM_APP_SERVERS'];
  lines.push(
    labelLine(first[0] ?? '', info.family),
    labelLine(first[1] ?? '', String(info.multiversion)),
    labelLine(first[2] ?? '', info.servers),
  );
  for (const [k, v] of Object.entries(info.appLabels)) {
    if (first.includes(k) || (k === 'org.opencontainers.image.description' && v.trim() === description)) continue;
    lines.push(labelLine(k, v));
  }
  lines.push('');
  lines.push(`Reference:  ${info.reference}`);
  lines.push(`Found:      ${info.source === 'local' ? 'local image' : `repository '${info.repository}'`}`);
  lines.push(`${info.source === 'local' ? 'Image id:  ' : 'Digest:    '} ${info.id}`);
  lines.push(`Size:       ${formatBytes(info.size)}${info.source === 'registry' ? ' (compressed)' : ''}`);
  lines.push(`Platform:   ${info.platform}`);
  lines.push(`Created:    ${info.created || 'unknown'}`);
  lines.push(
    `Installed:  ${info.installed ? `yes, as '${info.installed.tag}'${info.installed.installedAt ? ` on ${info.installed.installedAt}` : ''}` : 'no'}`,
  );
  lines.push('Files in /meta:');
  for (const e of info.meta)
    lines.push(
      `  ${modeString(e.mode)}  ${e.type === 'directory' ? '' : formatBytes(e.size).padStart(8)}  ${escape(e.path)}${e.type === 'directory' ? '/' : ''}${e.linkname ? ` -> ${escape(e.linkname)}` : ''}`,
    );
  const other = Object.entries(info.otherLabels);
  if (other.length > 0) {
    lines.push("Other labels (the author's own, or inherited from the base image):");
    for (const [k, v] of other) lines.push(`  ${labelLine(k, v)}`);
  }
  return { data: info, text: lines.join('\n') };
}
