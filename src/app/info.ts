// `dam info APP`: what an app image is and holds, read from the local engine or else from its registry
// (without pulling it); and whether an argument names a file (a bundle or archive) or an app.
import { DamError, isDamError } from '../core/errors.js';
import { readAppLabels } from '../core/app-labels.js';
import { appNameOf, formatRef, isBareAppRef, resolveAppRef } from '../core/ref.js';
import { type InstalledApp, type State, defaultRepo, repoPrefix } from '../core/state.js';
import type { MetaEntry } from '../core/archive/meta-listing.js';
import type { Engine, MetaScanner } from '../core/ports/engine.js';
import type { InputFiles } from '../core/ports/host.js';
import { classifyArgument, repoForReading } from '../core/repo-resolution.js';
import { localImageFacts, remoteImageFacts, type ImageFacts } from './app-info.js';
import { registryFor, type RegistryPorts } from './registry-access.js';

export interface InfoPorts extends RegistryPorts {
  engine(): Promise<Engine>;
  scanMeta: MetaScanner;
  report: { info(message: string): void };
}

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

/**
 * Whether `text` (resolved to `file`) names a file to describe: true for an existing one (USAGE at once for a
 * FIFO or folder, which reading would wait on or fail), false for an app; NOT_FOUND for a missing file path.
 */
export async function namesFile(files: InputFiles, text: string, file: string): Promise<boolean> {
  const found = text === '' ? undefined : await files.kindOf(file);
  const kind = classifyArgument(text, found);
  if (found && kind === 'file') {
    if (found !== 'regular') await files.checkRegular(file, 'archive');
    return true;
  }
  if (kind === 'missing-file') {
    throw new DamError(
      'NOT_FOUND',
      `The file '${text}' does not exist.`,
      'Check the path; dam info takes a bundle, .dam or DAM 1.x export FILE, or an app as name:version.',
    );
  }
  return false;
}

/** The app image `text` names: a local image first (the full reference, then a bare name:version), else the registry's. */
export async function imageInfo(ports: InfoPorts, text: string): Promise<InfoResult> {
  const state = await ports.store().read();
  const ref = resolveAppRef(text, repoPrefix(defaultRepo(state)));
  const full = formatRef(ref);
  // 1.x's info used the tag as given; a bare name:version also finds a local image under that name.
  const candidates = [...new Set([full, ...(isBareAppRef(text) ? [text] : [])])];
  const engine = await ports.engine();
  for (const candidate of candidates) {
    const facts = await localImageFacts(engine, ports.scanMeta, candidate);
    if (facts) return view(state, candidate, 'local', null, facts, appNameOf(ref), ref.tag);
  }
  const { repo } = repoForReading(state, ref);
  ports.report.info(
    `'${full}' is not a local image; reading it from ${repo.name === ref.registry ? ref.registry : `repository '${repo.name}'`}.`,
  );
  const { registry, path, close } = await registryFor(ports, repo, ref);
  try {
    const facts = await remoteImageFacts(registry, ports.scanMeta, path, ref.tag);
    return view(state, full, 'registry', repo.name, facts, appNameOf(ref), ref.tag);
  } catch (err) {
    if (!isDamError(err, 'NOT_FOUND')) throw err;
    throw new DamError(
      'NOT_FOUND',
      `The app '${text}' is neither a local image (${candidates.join(', ')}) nor in ${registry.label}: ${err.message}`,
      'Check the name and version; dam search lists what a repository holds.',
      { cause: err },
    );
  } finally {
    await close();
  }
}

function installedAs(state: State, reference: string, id: string): InstalledApp | undefined {
  const hex = id.replace(/^sha256:/, '');
  return (
    state.apps.find((a) => a.imageId === id || (a.imageId.length === 12 && hex.startsWith(a.imageId))) ??
    state.apps.find((a) => a.tag === reference)
  );
}

function view(
  state: State,
  reference: string,
  source: InfoResult['source'],
  repository: string | null,
  facts: ImageFacts,
  refName: string,
  refTag: string,
): InfoResult {
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

const OCI_WRITTEN = new Set([
  'org.opencontainers.image.title',
  'org.opencontainers.image.version',
  'org.opencontainers.image.created',
  'org.opencontainers.image.description',
]);

/** An OCI label is the app's only when DAM 2 made the image (it writes DAM_APP_NAME): a base image may carry its own. */
function splitLabels(labels: Record<string, string>): {
  appLabels: Record<string, string>;
  otherLabels: Record<string, string>;
} {
  const madeByDam2 = labels.DAM_APP_NAME !== undefined;
  const appLabels: Record<string, string> = {};
  const otherLabels: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (k.startsWith('DAM_APP_') || (madeByDam2 && OCI_WRITTEN.has(k))) appLabels[k] = v;
    else otherLabels[k] = v;
  }
  return { appLabels, otherLabels };
}
