// `dam push --bundle FILE [--repo SITE]`: seeds a registry on the site's network with every image of a
// bundle (format 2), so that hosts can install or import from it. Each image goes to the repository's
// `<server>/<app name>:<version>`, as `dam push` names it.
import { DamError } from '../core/errors.js';
import { formatBytes } from '../core/bytes.js';
import { appNameOf, parseRef } from '../core/ref.js';
import { findRepo } from '../core/repos.js';
import { defaultRepo } from '../core/state.js';
import type { BundlePushing, PushedBundle } from '../core/ports/bundle.js';
import { registryFor, type RegistryPorts } from './registry-access.js';

export interface PushBundlePorts extends RegistryPorts {
  bundles: BundlePushing;
  report: {
    info(message: string): void;
    /** Runs `work` with progress through the file at `path` shown meanwhile. */
    whileReading<T>(label: string, path: string, work: () => Promise<T>): Promise<T>;
  };
}

export interface PushedBundleFile extends PushedBundle {
  path: string;
  repository: string;
  server: string;
}

/** Pushes the bundle at `path` (absolute) to the repo named `repoName`, else the default repo. */
export async function pushBundleFile(
  ports: PushBundlePorts,
  path: string,
  repoName: string | undefined,
): Promise<PushedBundleFile> {
  const state = await ports.store().read();
  const repo = repoName === undefined ? defaultRepo(state) : findRepo(state, repoName);
  const contents = await ports.bundles.open(path);
  if (!contents)
    throw new DamError(
      'USAGE',
      `'${path}' is not a bundle of format 2 (an OCI layout made by dam export --all --from PRODUCT); older bundles carry no registry manifests.`,
      'Export it again with dam export --all --from PRODUCT, then push that.',
    );
  const handle = await registryFor(ports, repo, { path: 'dam', tag: 'x' });
  try {
    const targetOf = (tag: string) => {
      const ref = parseRef(tag);
      return { name: appNameOf(ref), tag: ref.tag };
    };
    ports.report.info(
      `Pushing ${contents.images.length} image(s) of '${path}' to repository '${repo.name}' (${repo.server})...`,
    );
    const started = Date.now();
    const pushed = await ports.report.whileReading(`Pushing ${path}`, path, () =>
      ports.bundles.push(path, contents.indexSha256, handle.registry.writer(), targetOf, ports.signal),
    );
    ports.report.info(
      `Pushed: ${pushed.uploaded} blob(s) uploaded (${formatBytes(pushed.uploadedBytes)}), ${pushed.mounted} mounted, ${pushed.skipped} already there; ${pushed.manifests} manifest(s), ${pushed.tags.length} tag(s) in ${((Date.now() - started) / 1000).toFixed(1)}s.`,
    );
    return { path, repository: repo.name, server: repo.server, ...pushed };
  } finally {
    await handle.close();
  }
}
