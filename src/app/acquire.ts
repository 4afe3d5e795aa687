// Getting an app's image and its /meta onto the host, journaled, before any script runs: from an archive
// (verified while it loads, registered only after the caller's checks), from the local cache, or pulled.
import { join, resolve } from 'node:path';
import { DamError } from '../core/errors.js';
import { readAppLabels } from '../core/app-labels.js';
import { parseServers } from '../core/create/servers.js';
import { appNameOf, formatRef, parseRef, resolveAppRef, type ImageRef } from '../core/ref.js';
import { defaultRepo, repoPrefix, type State } from '../core/state.js';
import type { Candidate } from '../core/install-rules.js';
import { classifyArgument, repoForInstall } from '../core/repo-resolution.js';
import type { ActiveJournal } from '../core/ports/host.js';
import { checkInterrupted, faultPoint, type LifecycleDeps } from './lifecycle-deps.js';
import { intendLoad } from './steps.js';
import { admitArchive, checkSignedArchive, confirmSignature } from './signatures.js';
import { checkPullable } from './missing-app.js';
import type { Admission } from '../core/signing/verdict.js';

export interface AcquiredApp extends Candidate {
  tag: string;
  imageId: string;
  repoId: number;
  /** The state with the repo added when the tag's registry was not configured yet. */
  state: State;
  /** Where /meta was staged, inside the journal's work directory. */
  stagedMeta: string;
  source: 'archive' | 'local' | 'pull';
  labels: Record<string, string>;
  /** How an archive was admitted by the host's trust policy, to remember its sequence after the commit. */
  admission?: Admission;
}

async function fromRegistryOrCache(
  deps: LifecycleDeps,
  journal: ActiveJournal,
  state: State,
  ref: ImageRef,
  text: string,
): Promise<{ imageId: string; labels: Record<string, string>; pulled: boolean }> {
  const tag = formatRef(ref);
  const local = await deps.engine.inspectImage(tag);
  if (local) return { imageId: local.id, labels: local.labels, pulled: false };
  if (deps.offline) {
    throw new DamError(
      'NOT_FOUND',
      `${tag} is not in the local Docker cache, and --offline forbids pulling it.`,
      'Install from an archive (dam install FILE.dam), or drop --offline.',
    );
  }
  const { repo, path } = repoForInstall(state, ref);
  await checkPullable(deps, { repo, path }, ref, text);
  const auth = await deps.registryAuth(repo);
  await journal.intend({ kind: 'tag', ref: tag, target: '', previous: null });
  deps.report.info(`Pulling ${tag}${text === tag ? '' : ` (for ${text})`}`);
  const progress = deps.progress();
  try {
    await deps.engine.pull(tag, { auth, signal: deps.signal, onProgress: progress.listener });
  } catch (err) {
    if (err instanceof DamError && err.code !== 'INTERRUPTED') {
      throw new DamError(
        err.code === 'NOT_FOUND' ? 'NOT_FOUND' : 'REGISTRY_ERROR',
        `Cannot pull ${tag}: ${err.message}`,
        err.hint ??
          `Check that the app and version exist (dam search ${appNameOf(ref)}) and the repository's credentials (dam listrepos).`,
      );
    }
    throw err;
  } finally {
    progress.done();
  }
  const pulled = await deps.engine.inspectImage(tag);
  if (!pulled)
    throw new DamError('ENGINE_ERROR', `The engine reported ${tag} pulled, but cannot find it.`, 'Run dam doctor.');
  await journal.intend({ kind: 'image', imageId: pulled.id, existedBefore: false });
  return { imageId: pulled.id, labels: pulled.labels, pulled: true };
}

/** What the caller checks before the engine or the host changes: the family rule, the scripts. */
export type AcquireCheck = (app: AcquiredApp) => Promise<void> | void;

function describe(
  state: State,
  ref: ImageRef,
  imageId: string,
  labels: Record<string, string>,
  stagedMeta: string,
  source: AcquiredApp['source'],
): AcquiredApp {
  const name = appNameOf(ref);
  const view = readAppLabels(labels, name);
  const withRepo = repoForInstall(state, ref);
  return {
    name,
    version: ref.tag,
    family: view.family,
    multiversion: view.multiversion,
    tag: formatRef(ref),
    imageId,
    repoId: withRepo.repo.id,
    state: withRepo.state,
    stagedMeta,
    source,
    labels,
  };
}

/** An archive: verified and checked while it streams into the engine, which registers it only after `check`. */
async function fromArchive(
  deps: LifecycleDeps,
  journal: ActiveJournal,
  state: State,
  path: string,
  stagedMeta: string,
  check: AcquireCheck,
): Promise<AcquiredApp> {
  let app: AcquiredApp | undefined;
  // Refused here (unsigned, unknown key, replayed release) before the file is read: nothing is loaded.
  const signature = deps.trust ? await deps.trust.fileCheck(path) : undefined;
  // When the verdict depends on the file's hash, it is announced once the load pass has measured it.
  let admission = signature
    ? await admitArchive(deps, journal, path, signature.early, { quiet: signature.measure })
    : undefined;
  deps.report.info(`Verifying and loading ${path}`);
  const reading = <T>(work: () => Promise<T>): Promise<T> =>
    deps.report.whileReading ? deps.report.whileReading(`Verifying ${path}`, path, work) : work();
  await reading(() =>
    deps.archives.verifyAndLoad(
      path,
      stagedMeta,
      async (archive) => {
        // The hash is of the bytes this pass streamed into the engine, which registers nothing before this resolves.
        if (signature) admission = await confirmSignature(deps, journal, signature, admission, archive);
        checkSignedArchive(admission, archive);
        const first = archive.tags[0];
        if (!first) {
          throw new DamError(
            'ARCHIVE_INVALID',
            `The archive ${archive.path} names no image tag, so its app name and version are unknown.`,
            'Save it with dam save, or docker save NAME:VERSION (not an image id).',
          );
        }
        app = describe(state, parseRef(first), archive.imageId, archive.labels, stagedMeta, 'archive');
        await check(app);
        // Exactly the tags the load will set (DAM writes the manifest the engine reads): rollback restores each.
        await intendLoad(deps, journal, [archive]);
        faultPoint(deps, 'before-load');
      },
      deps.signal,
      { sha256: signature?.measure === true },
    ),
  );
  if (!app) throw new Error('verifyAndLoad returned without checking the archive');
  if (admission) app.admission = admission;
  const loaded = await deps.engine.inspectImage(app.tag);
  if (loaded?.id !== app.imageId) {
    throw new DamError(
      'ARCHIVE_INVALID',
      `After loading ${path}, ${app.tag} is ${loaded?.id ?? 'missing'}, not the verified image ${app.imageId}.`,
      'The archive changed while it was read; copy it again.',
    );
  }
  return app;
}

/**
 * Resolves what the user typed, gets the image and stages its /meta, recording every engine change in the
 * journal, and runs `check` before the engine registers an archive's image (for a pulled image, which is
 * journaled and rolled back, right after the pull).
 */
export async function acquire(
  deps: LifecycleDeps,
  journal: ActiveJournal,
  state: State,
  text: string,
  check: AcquireCheck,
  stageName = 'meta',
): Promise<AcquiredApp> {
  const path = resolve(text);
  const stagedMeta = join(journal.workDir, stageName);
  const kind = classifyArgument(text, (await deps.dirs.isFile(path)) ? 'regular' : undefined);
  if (kind === 'file') {
    const app = await fromArchive(deps, journal, state, path, stagedMeta, check);
    checkInterrupted(deps);
    return app;
  }
  if (kind === 'missing-file') {
    throw new DamError(
      'NOT_FOUND',
      `The archive file '${text}' does not exist.`,
      'Check the path; an app from a registry is written name:version.',
    );
  }
  const ref = resolveAppRef(text, repoPrefix(defaultRepo(state)));
  const got = await fromRegistryOrCache(deps, journal, state, ref, text);
  // A bundle import has already written this image's /meta from its verified stream.
  if (!(await deps.dirs.exists(stagedMeta))) await deps.meta.fromImage(got.imageId, stagedMeta);
  checkInterrupted(deps);
  const app = describe(state, ref, got.imageId, got.labels, stagedMeta, got.pulled ? 'pull' : 'local');
  await check(app);
  return app;
}

/** Checks that the staged /meta has both scripts (DAM 1.x checked only install). */
export async function checkScripts(deps: LifecycleDeps, app: AcquiredApp): Promise<void> {
  for (const script of ['install', 'uninstall']) {
    if (!(await deps.dirs.isFile(join(app.stagedMeta, script)))) {
      throw new DamError(
        'ARCHIVE_INVALID',
        `${app.tag} has no /meta/${script} script, so DAM could not ${script === 'install' ? 'install' : 'remove'} it.`,
        'Rebuild the app with dam create: meta/ needs install and uninstall.',
      );
    }
  }
}

/** Adds the tags named by the DAM_APP_SERVERS label, as DAM 1.x does, each journaled. */
export async function addServerTags(deps: LifecycleDeps, journal: ActiveJournal, app: AcquiredApp): Promise<string[]> {
  const servers = parseServers(app.labels.DAM_APP_SERVERS ?? '');
  const wanted = [
    ...servers.servers.map((s) => `${s}/${app.name}:${app.version}`),
    ...(servers.official ? [`${app.name}:${app.version}`] : []),
  ];
  const added: string[] = [];
  for (const ref of wanted) {
    if (ref === app.tag || (await deps.engine.inspectImage(ref))) continue;
    await journal.intend({ kind: 'tag', ref, target: app.imageId, previous: null });
    await deps.engine.tagImage(app.imageId, ref);
    added.push(ref);
  }
  return added;
}
