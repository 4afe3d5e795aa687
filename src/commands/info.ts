import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DamError, isDamError } from '../core/errors.js';
import { readAppLabels } from '../core/app-labels.js';
import { escapeControls } from '../core/escape.js';
import { appNameOf, formatRef, isBareAppRef, resolveAppRef } from '../core/ref.js';
import { type InstalledApp, type State, defaultRepo, repoPrefix } from '../core/state.js';
import { localImageFacts, remoteImageFacts, type ImageFacts } from '../app/app-info.js';
import type { MetaEntry } from '../adapters/fs/meta-listing.js';
import { openRegularFile } from '../adapters/fs/regular-file.js';
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { formatBytes } from '../cli/progress.js';
import { registryFor } from './registry-access.js';
import { classifyArgument, repoForReading } from '../core/repo-resolution.js';
import type { InfoOptions } from './info.command.js';

export interface InfoResult {
  reference: string;
  source: 'local' | 'registry';
  /** The repository name when read from a registry. */
  repository: string | null;
  /** Image id (local) or manifest digest (registry). */
  id: string;
  name: string;
  version: string;
  family: string;
  multiversion: boolean;
  servers: string;
  description: string | null;
  /** Every label of the image, as the engine or registry gives them. */
  labels: Record<string, string>;
  /** DAM's labels and the OCI labels DAM writes: what `labels` says about the app itself. */
  appLabels: Record<string, string>;
  /** The rest: the author's own (`create --label`) and those inherited from the base image. */
  otherLabels: Record<string, string>;
  size: number;
  created: string;
  /** `os/architecture[/variant]` the image is built for. */
  platform: string;
  meta: MetaEntry[];
  installed: { appId: number; tag: string; installedAt: string } | null;
}

export async function run(ctx: Context, { args, opts }: CommandInput<InfoOptions>): Promise<CommandResult> {
  const text = args[0] ?? '';
  // An existing file is a bundle or an archive: show what it is and who signed it.
  const file = resolve(ctx.cwd, text);
  const found = text === '' ? undefined : await stat(file).catch(() => undefined);
  const kind = classifyArgument(text, found === undefined ? undefined : found.isFile() ? 'regular' : 'other');
  if (found && kind === 'file') {
    // A FIFO or a folder is refused at once, by what it is (reading a FIFO would wait for a writer).
    if (!found.isFile()) await (await openRegularFile(file, 'archive')).close();
    const { fileInfo } = await import('./info-file.js');
    return fileInfo(ctx, file, typeof opts.signature === 'string' ? resolve(ctx.cwd, opts.signature) : undefined);
  }
  if (kind === 'missing-file') {
    throw new DamError('NOT_FOUND', `The file '${text}' does not exist.`, 'Check the path; dam info takes a bundle, .dam or DAM 1.x export FILE, or an app as name:version.');
  }
  const state = await ctx.store().read();
  const ref = resolveAppRef(text, repoPrefix(defaultRepo(state)));
  const full = formatRef(ref);
  // 1.x's info used the tag as given; a bare name:version also finds a local image under that name.
  const candidates = [...new Set([full, ...(isBareAppRef(text) ? [text] : [])])];
  const engine = await ctx.engine();
  for (const candidate of candidates) {
    const facts = await localImageFacts(engine, candidate);
    if (facts) return show(ctx, view(state, candidate, 'local', null, facts, appNameOf(ref), ref.tag));
  }
  const { repo } = repoForReading(state, ref);
  ctx.log.info(`'${full}' is not a local image; reading it from ${repo.name === ref.registry ? ref.registry : `repository '${repo.name}'`}.`);
  const { registry, path, close } = await registryFor(ctx, repo, ref);
  try {
    const facts = await remoteImageFacts(registry, path, ref.tag);
    return show(ctx, view(state, full, 'registry', repo.name, facts, appNameOf(ref), ref.tag));
  } catch (err) {
    if (!isDamError(err, 'NOT_FOUND')) throw err;
    throw new DamError('NOT_FOUND', `The app '${text}' is neither a local image (${candidates.join(', ')}) nor in ${registry.label}: ${err.message}`, 'Check the name and version; dam search lists what a repository holds.', { cause: err });
  } finally {
    await close();
  }
}

function installedAs(state: State, reference: string, id: string): InstalledApp | undefined {
  const hex = id.replace(/^sha256:/, '');
  return state.apps.find((a) => a.imageId === id || (a.imageId.length === 12 && hex.startsWith(a.imageId))) ?? state.apps.find((a) => a.tag === reference);
}

function view(state: State, reference: string, source: InfoResult['source'], repository: string | null, facts: ImageFacts, refName: string, refTag: string): InfoResult {
  const app = readAppLabels(facts.labels, refName);
  const installed = installedAs(state, reference, facts.id);
  return {
    reference,
    source,
    repository,
    id: facts.id,
    name: app.name ?? refName,
    version: app.version ?? refTag,
    family: app.family,
    multiversion: app.multiversion,
    servers: app.servers,
    description: facts.meta.description ?? null,
    labels: facts.labels,
    ...splitLabels(facts.labels),
    size: facts.size,
    created: facts.created,
    platform: facts.platform,
    meta: facts.meta.entries,
    installed: installed ? { appId: installed.id, tag: installed.tag, installedAt: installed.installedAt } : null,
  };
}

const OCI_WRITTEN = new Set(['org.opencontainers.image.title', 'org.opencontainers.image.version', 'org.opencontainers.image.created', 'org.opencontainers.image.description']);

/** An OCI label is the app's only when DAM 2 made the image (it writes DAM_APP_NAME): a base image may carry its own. */
function splitLabels(labels: Record<string, string>): { appLabels: Record<string, string>; otherLabels: Record<string, string> } {
  const madeByDam2 = labels.DAM_APP_NAME !== undefined;
  const appLabels: Record<string, string> = {};
  const otherLabels: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (k.startsWith('DAM_APP_') || (madeByDam2 && OCI_WRITTEN.has(k))) appLabels[k] = v;
    else otherLabels[k] = v;
  }
  return { appLabels, otherLabels };
}

const escape = (s: string) => escapeControls(s, 'lines');

function modeString(mode: number): string {
  return [6, 3, 0].map((shift) => `${mode & (4 << shift) ? 'r' : '-'}${mode & (2 << shift) ? 'w' : '-'}${mode & (1 << shift) ? 'x' : '-'}`).join('');
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
  lines.push(labelLine(first[0] ?? '', info.family), labelLine(first[1] ?? '', String(info.multiversion)), labelLine(first[2] ?? '', info.servers));
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
  lines.push(`Installed:  ${info.installed ? `yes, as '${info.installed.tag}'${info.installed.installedAt ? ` on ${info.installed.installedAt}` : ''}` : 'no'}`);
  lines.push('Files in /meta:');
  for (const e of info.meta) lines.push(`  ${modeString(e.mode)}  ${e.type === 'directory' ? '' : formatBytes(e.size).padStart(8)}  ${escape(e.path)}${e.type === 'directory' ? '/' : ''}${e.linkname ? ` -> ${escape(e.linkname)}` : ''}`);
  const other = Object.entries(info.otherLabels);
  if (other.length > 0) {
    lines.push('Other labels (the author\'s own, or inherited from the base image):');
    for (const [k, v] of other) lines.push(`  ${labelLine(k, v)}`);
  }
  return { data: info, text: lines.join('\n') };
}
