import { DamError } from '../core/errors.js';
import { LABEL_FAMILY } from '../core/app-labels.js';
import { appNameOf, formatRef, isBareAppRef, resolveAppRef } from '../core/ref.js';
import { findRepo } from '../core/repos.js';
import { defaultRepo, repoPrefix } from '../core/state.js';
import { registryAuthFor } from '../adapters/registry/engine-auth.js';
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { progressRenderer } from '../cli/progress.js';
import type { PushOptions } from './push.command.js';

export interface PushResult {
  reference: string;
  repository: string;
  server: string;
  imageId: string;
  /** Whether push added the repository's tag to the image. */
  tagged: boolean;
}

const REFUSALS = new Set(['REGISTRY_AUTH', 'ENGINE_ERROR', 'NOT_FOUND']);

export async function run(ctx: Context, { args, opts }: CommandInput<PushOptions>): Promise<CommandResult> {
  if (opts.bundle !== undefined) return (await import('./push-bundle.js')).runPushBundle(ctx, { args, opts });
  const text = args[0] ?? '';
  if (text === '') throw new DamError('USAGE', 'Name the app to push, or give --bundle FILE.', 'dam push NAME:VERSION, or dam push --bundle FILE --repo NAME.');
  const state = await ctx.store().read();
  const repoOpt = opts.repo;
  const repo = repoOpt === undefined ? defaultRepo(state) : findRepo(state, repoOpt);
  const ref = resolveAppRef(text, repoPrefix(defaultRepo(state)));
  const candidates = [...new Set([formatRef(ref), ...(isBareAppRef(text) ? [text] : [])])];
  const engine = await ctx.engine();
  let image;
  for (const candidate of candidates) {
    image = await engine.inspectImage(candidate);
    if (image) break;
  }
  if (!image) throw new DamError('NOT_FOUND', `There is no local image '${candidates.join("' or '")}'.`, 'Build it with dam create, or check the name with docker images.');
  if (image.labels[LABEL_FAMILY] === undefined) ctx.log.warn(`'${text}' has no ${LABEL_FAMILY} label, so it was not made by dam create; pushing it anyway.`);

  const target = `${repoPrefix(repo)}${appNameOf(ref)}:${ref.tag}`;
  const tagged = !image.repoTags.includes(target);
  if (tagged) {
    await engine.tagImage(image.id, target);
    ctx.log.info(`Tagged '${text}' as '${target}'.`);
  }
  const auth = await registryAuthFor(repo, await ctx.store().readCredentials(), ctx.env);

  ctx.log.info(`Pushing '${target}' to repository '${repo.name}' (${repo.server})...`);
  const renderer = progressRenderer(ctx.log);
  try {
    await engine.push(target, { auth, signal: ctx.signal, onProgress: renderer.listener });
  } catch (err) {
    // A failed push leaves the image as it was: the tag added above goes again.
    if (tagged) await engine.removeImage(target, { noPrune: true }).catch((untagErr: unknown) => ctx.log.warn(`Could not remove the tag '${target}' again: ${String(untagErr)}`));
    if (!(err instanceof DamError) || !REFUSALS.has(err.code)) throw err;
    const hint = err.code === 'REGISTRY_AUTH'
      ? `Set the repository's credentials: printf %s "$PW" | dam modifyrepo ${repo.id} --username NAME --password-stdin`
      : (err.hint ?? `Check that ${repo.server} is a registry that accepts pushes.`);
    throw new DamError(err.code, `Repository '${repo.name}' (${repo.server}) did not take '${target}': ${err.message}`, hint, { cause: err });
  } finally {
    renderer.done();
  }
  const data: PushResult = { reference: target, repository: repo.name, server: repo.server, imageId: image.id, tagged };
  return { data, text: `App '${target}' was pushed to repository '${repo.name}'.` };
}
