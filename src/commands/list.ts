import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { table } from '../cli/table.js';
import { UNKNOWN_REPO_ID } from '../core/state.js';
import type { ListOptions } from './list.command.js';

/** Read-only commands say when an operation was interrupted, so the host is never silently half-changed. */
export async function warnUnfinished(ctx: Context): Promise<void> {
  const pending = await ctx
    .stateDir()
    .pendingOperations()
    .catch(() => [] as string[]);
  if (pending.length > 0) {
    ctx.log.warn(
      "An operation was interrupted and is unfinished; run 'dam recover' to finish or roll it back (install, upgrade and remove do it by themselves).",
    );
  }
}

const shortId = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

export async function run(ctx: Context, { opts }: CommandInput<ListOptions>): Promise<CommandResult> {
  const state = await ctx.store().read();
  await warnUnfinished(ctx);
  const repoName = (id: number) =>
    (id === UNKNOWN_REPO_ID ? undefined : state.repos.find((r) => r.id === id)?.name) ?? '~unknown~';
  const product = typeof opts.product === 'string' ? opts.product : undefined;
  const apps = state.apps
    .filter((a) => product === undefined || a.product === product)
    .map((a) => ({
      id: a.id,
      name: a.name,
      version: a.version,
      tag: a.tag,
      imageId: a.imageId,
      repo: repoName(a.repoId),
      repoId: a.repoId,
      family: a.family,
      multiversion: a.multiversion,
      installedAt: a.installedAt || null,
      product: a.product ?? null,
    }));
  if (opts.raw === true && !ctx.json) {
    return {
      text: apps
        .map((a) =>
          [a.id, shortId(a.imageId), a.name, a.version, a.repoId, a.multiversion ? '*' : '', a.family].join(';'),
        )
        .join('\n'),
    };
  }
  const rows = apps.map((a) => [
    a.name,
    a.version,
    a.product ?? '-',
    a.repo,
    a.family,
    a.installedAt ? a.installedAt.replace('T', ' ').slice(0, 19) : '-',
  ]);
  const none =
    product === undefined ? 'No apps are installed.\n' : `No installed app belongs to the product '${product}'.\n`;
  return {
    data: apps,
    text: apps.length ? table(['NAME', 'VERSION', 'PRODUCT', 'REPOSITORY', 'FAMILY', 'INSTALLED'], rows) : none,
  };
}
