// `dam push APP`: a local app image to a configured repository, tagged `<server>/<name>:<version>` first
// when it is not already, with the repository's credentials.
import { DamError } from '../core/errors.js';
import { LABEL_FAMILY } from '../core/app-labels.js';
import { appNameOf, formatRef, isBareAppRef, resolveAppRef } from '../core/ref.js';
import { findRepo } from '../core/repos.js';
import { configuredRepoFor } from '../core/repo-resolution.js';
import { defaultRepo, repoPrefix, type Repo } from '../core/state.js';
import type { Engine, ProgressListener, RegistryAuth } from '../core/ports/engine.js';
import type { Store } from '../core/ports/store.js';
import type { Reporter } from './lifecycle-deps.js';

export interface PushPorts {
  store: Store;
  engine: () => Promise<Engine>;
  /** Credentials for pushing to a repo: its own, else the engine user's ~/.docker/config.json. */
  registryAuth(repo: Repo): Promise<RegistryAuth | undefined>;
  report: Reporter;
  progress(): { listener: ProgressListener; done(): void };
  signal: AbortSignal;
}

export interface PushResult {
  reference: string;
  repository: string;
  server: string;
  imageId: string;
  /** Whether push added the repository's tag to the image. */
  tagged: boolean;
}

const REFUSALS = new Set(['REGISTRY_AUTH', 'ENGINE_ERROR', 'NOT_FOUND']);

/** Pushes the app `text` (name:version or a full tag) to the repo named `repoName`, else the one its reference names, else the default one. */
export async function pushApp(ports: PushPorts, text: string, repoName: string | undefined): Promise<PushResult> {
  const { report } = ports;
  const state = await ports.store.read();
  const ref = resolveAppRef(text, repoPrefix(defaultRepo(state)));
  // Without --repo, a reference under a configured repository's server goes there (as install and info
  // read it); a bare name:version goes to the default repository.
  const repo =
    repoName !== undefined ? findRepo(state, repoName) : (configuredRepoFor(state, ref)?.repo ?? defaultRepo(state));
  const candidates = [...new Set([formatRef(ref), ...(isBareAppRef(text) ? [text] : [])])];
  const engine = await ports.engine();
  let image;
  for (const candidate of candidates) {
    image = await engine.inspectImage(candidate);
    if (image) break;
  }
  if (!image)
    throw new DamError(
      'NOT_FOUND',
      `There is no local image '${candidates.join("' or '")}'.`,
      'Build it with dam create, or check the name with docker images.',
    );
  if (image.labels[LABEL_FAMILY] === undefined)
    report.warn(`'${text}' has no ${LABEL_FAMILY} label, so it was not made by dam create; pushing it anyway.`);

  const target = `${repoPrefix(repo)}${appNameOf(ref)}:${ref.tag}`;
  const tagged = !image.repoTags.includes(target);
  if (tagged) {
    await engine.tagImage(image.id, target);
    report.info(`Tagged '${text}' as '${target}'.`);
  }
  const auth = await ports.registryAuth(repo);

  report.info(`Pushing '${target}' to repository '${repo.name}' (${repo.server})...`);
  const renderer = ports.progress();
  try {
    await engine.push(target, { auth, signal: ports.signal, onProgress: renderer.listener });
  } catch (err) {
    // A failed push leaves the image as it was: the tag added above goes again.
    if (tagged)
      await engine
        .removeImage(target, { noPrune: true })
        .catch((untagErr: unknown) => report.warn(`Could not remove the tag '${target}' again: ${String(untagErr)}`));
    if (!(err instanceof DamError) || !REFUSALS.has(err.code)) throw err;
    const hint =
      err.code === 'REGISTRY_AUTH'
        ? `Set the repository's credentials: printf %s "$PW" | dam modifyrepo ${repo.id} --username NAME --password-stdin`
        : (err.hint ?? `Check that ${repo.server} is a registry that accepts pushes.`);
    throw new DamError(
      err.code,
      `Repository '${repo.name}' (${repo.server}) did not take '${target}': ${err.message}`,
      hint,
      { cause: err },
    );
  } finally {
    renderer.done();
  }
  return { reference: target, repository: repo.name, server: repo.server, imageId: image.id, tagged };
}
