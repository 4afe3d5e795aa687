import { DamError, isDamError, usageError } from '../core/errors.js';
import { findRepo } from '../core/repos.js';
import { maskQuery, validateMask } from '../core/search.js';
import { OFFICIAL_REPO_ID, defaultRepo, type Repo } from '../core/state.js';
import { searchCatalog, type SearchHit } from '../app/search.js';
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { stringOpt } from '../cli/input.js';
import { table } from '../cli/table.js';
import type { SearchOptions } from './search.command.js';

/** Tag lists fetched at once per repo: enough to hide a WAN's latency, few enough not to flood a registry. */
const TAG_CONCURRENCY = 16;

function intOpt(
  opts: Record<string, unknown>,
  key: string,
  flag: string,
  min: number,
  max: number,
): number | undefined {
  const text = stringOpt(opts, key);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || n < min || n > max)
    throw usageError(
      `${flag} takes a number from ${min} to ${max}, not '${text}'.`,
      `For example ${flag} ${Math.min(Math.max(min, 10), max)}.`,
    );
  return n;
}

function render(ctx: Context, hits: SearchHit[], allRepos: boolean): string {
  const tags = (h: SearchHit) => (h.tags.length ? h.tags.join(', ') : '-');
  if (allRepos)
    return table(
      ['REPO', 'APP', 'TAGS'],
      hits.map((h) => [h.repo, ctx.style.yellow(h.name), tags(h)]),
    );
  return table(
    ['APP', 'TAGS'],
    hits.map((h) => [ctx.style.yellow(h.name), tags(h)]),
  );
}

export async function run(ctx: Context, { args, opts }: CommandInput<SearchOptions>): Promise<CommandResult> {
  const mask = args[0] !== undefined ? validateMask(args[0]) : undefined;
  const allRepos = opts.allRepos === true;
  const repoOpt = opts.repo;
  if (allRepos && repoOpt !== undefined)
    throw usageError('--repo and --all-repos cannot be combined.', 'Give one of them.');
  const limit = intOpt(opts, 'limit', '--limit', 1, 100_000);
  const timeoutMs = (intOpt(opts, 'timeout', '--timeout', 0.1, 3600) ?? 30) * 1000;
  const pageSize = intOpt(opts, 'pageSize', '--page-size', 1, 1000);
  const concurrency = intOpt(opts, 'concurrency', '--concurrency', 1, 64) ?? TAG_CONCURRENCY;

  const state = await ctx.store().read();
  const { passwords } = await ctx.store().readCredentials();
  const repos: Repo[] = allRepos
    ? state.repos
    : [repoOpt !== undefined ? findRepo(state, repoOpt) : defaultRepo(state)];
  // Docker Hub cannot list everything; --all-repos without a usable mask searches the private registries only.
  const hubSearchable = mask !== undefined && maskQuery(mask).length >= 2;
  const asked = allRepos && !hubSearchable ? repos.filter((r) => r.id !== OFFICIAL_REPO_ID) : repos;
  if (asked.length < repos.length)
    ctx.log.info('Docker Hub (official) is skipped: it is searched only with a mask of 2 letters or more.');

  const registries = await ctx.registries();
  let settled: PromiseSettledResult<SearchHit[]>[];
  try {
    settled = await Promise.allSettled(
      asked.map((repo) => {
        const catalog = registries.catalog({
          repo,
          password: passwords[String(repo.id)],
          timeoutMs,
          pageSize,
          signal: ctx.signal,
        });
        return searchCatalog(catalog, { repo: repo.name, mask, limit, concurrency });
      }),
    );
  } finally {
    await registries.close();
  }

  const hits: SearchHit[] = [];
  const failures: unknown[] = [];
  for (const s of settled) {
    if (s.status === 'fulfilled') hits.push(...s.value);
    else failures.push(s.reason);
  }
  const interrupted = failures.find((f) => isDamError(f, 'INTERRUPTED'));
  if (interrupted) throw interrupted;
  if (!allRepos && failures.length > 0) throw failures[0];
  for (const f of failures) {
    ctx.log.error(f instanceof Error ? f.message : String(f));
    if (f instanceof DamError && f.hint) ctx.log.info(`  hint: ${f.hint}`);
  }
  if (hits.length === 0 && failures.length === 0)
    ctx.log.info(mask ? `No app matches '${mask}'.` : 'The repository has no apps.');
  const allFailed = asked.length > 0 && failures.length === asked.length;
  return { data: hits, text: hits.length ? render(ctx, hits, allRepos) : '', exitCode: allFailed ? 1 : undefined };
}
