// `dam push --bundle FILE [--repo SITE]`: seeds a registry on the site's network with every image of a
// bundle (format 2), so that hosts can install or import from it. Each image goes to the repository's
// `<server>/<app name>:<version>`, as `dam push` names it.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DamError, errnoCode } from '../core/errors.js';
import { appNameOf, parseRef } from '../core/ref.js';
import { findRepo } from '../core/repos.js';
import { defaultRepo } from '../core/state.js';
import { readIndex2 } from '../adapters/bundle/oci-read.js';
import { pushBundle } from '../adapters/bundle/push-bundle.js';
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import type { PushOptions } from './push.command.js';
import { formatBytes } from '../cli/progress.js';
import { registryFor } from './registry-access.js';
import { withFileMeter } from '../cli/file-meter.js';

async function regularFile(path: string): Promise<string> {
  const s = await stat(path).catch((err: unknown) => {
    if (errnoCode(err) === 'ENOENT') throw new DamError('NOT_FOUND', `The bundle '${path}' does not exist.`, 'Check the path.');
    throw err;
  });
  if (!s.isFile()) throw new DamError('USAGE', `'${path}' is not a regular file.`, 'Give the path of a bundle.');
  return path;
}

export async function runPushBundle(ctx: Context, { args, opts }: CommandInput<PushOptions>): Promise<CommandResult> {
  if (args.length > 0) throw new DamError('USAGE', `push --bundle takes no app ('${args[0]}').`, 'dam push --bundle FILE [--repo NAME]');
  const path = resolve(ctx.cwd, String(opts.bundle));
  const state = await ctx.store().read();
  const repoOpt = opts.repo;
  const repo = repoOpt === undefined ? defaultRepo(state) : findRepo(state, repoOpt);
  const contents = await readIndex2(await regularFile(path));
  if (!contents) throw new DamError('USAGE', `'${path}' is not a bundle of format 2 (an OCI layout made by dam export --all --from PRODUCT); older bundles carry no registry manifests.`, 'Export it again with dam export --all --from PRODUCT, then push that.');
  const handle = await registryFor(ctx, repo, { path: 'dam', tag: 'x' });
  try {
    const targetOf = (tag: string) => {
      const ref = parseRef(tag);
      return { name: appNameOf(ref), tag: ref.tag };
    };
    ctx.log.info(`Pushing ${contents.images.length} image(s) of '${path}' to repository '${repo.name}' (${repo.server})...`);
    const started = Date.now();
    const pushed = await withFileMeter(ctx, `Pushing ${path}`, path, () => pushBundle(path, contents.indexSha256, handle.registry.writer(), targetOf, ctx.signal));
    ctx.log.info(`Pushed: ${pushed.uploaded} blob(s) uploaded (${formatBytes(pushed.uploadedBytes)}), ${pushed.mounted} mounted, ${pushed.skipped} already there; ${pushed.manifests} manifest(s), ${pushed.tags.length} tag(s) in ${((Date.now() - started) / 1000).toFixed(1)}s.`);
    return { data: { path, repository: repo.name, server: repo.server, ...pushed }, text: `Bundle '${path}' was pushed to repository '${repo.name}': ${pushed.tags.join(', ')}.` };
  } finally {
    await handle.close();
  }
}
