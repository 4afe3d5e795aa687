// `dam migrate`: plan and apply the take-over of a DAM 1.x database (see app/migrate.ts).
import { resolve } from 'node:path';
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { table } from '../cli/table.js';
import { usageError } from '../core/errors.js';
import { migrate, type MigrateResult } from '../app/migrate.js';
import type { MigrateOptions } from './migrate.command.js';

function render(result: MigrateResult): string {
  if (result.status === 'already-migrated') {
    return `The DAM 1.x database at ${result.from} was already taken over on ${result.takenOver?.at ?? '?'}; its apps list is kept in ${result.takenOver?.backup ?? '?'}. Nothing to do.\n`;
  }
  const lines = [
    `${result.status === 'planned' ? 'Plan to take over' : 'Took over'} the DAM 1.x database at ${result.from}:`,
  ];
  const repos = result.repos ?? [];
  const apps = result.apps ?? [];
  lines.push(
    repos.length
      ? table(
          ['REPOSITORY', 'SERVER', 'ACTION'],
          repos.map((r) => [r.name, r.server, r.action === 'add' ? 'add' : 'already here']),
        ).trimEnd()
      : 'No repositories besides the official one.',
  );
  lines.push(
    apps.length
      ? table(
          ['APP', 'VERSION', 'REPOSITORY', 'FAMILY', 'ACTION'],
          apps.map((a) => [a.name, a.version, a.repo, a.family, a.action === 'add' ? 'add' : 'already here']),
        ).trimEnd()
      : 'No installed apps.',
  );
  if (result.defaultRepo) lines.push(`Default repository: ${result.defaultRepo} (as in 1.x).`);
  for (const w of result.warnings ?? []) lines.push(`note: ${w}`);
  for (const c of result.conflicts ?? []) lines.push(`conflict: ${c}`);
  if (result.status === 'planned')
    lines.push(
      (result.conflicts ?? []).length
        ? 'dam migrate would refuse: resolve the conflicts first.'
        : 'Run dam migrate to apply it.',
    );
  if (result.takenOver)
    lines.push(`The 1.x Apps file is now ${result.takenOver.backup}; to undo, move it back over Apps.`);
  return `${lines.join('\n')}\n`;
}

export async function run(ctx: Context, { args, opts }: CommandInput<MigrateOptions>): Promise<CommandResult> {
  if (args.length > 0)
    throw usageError(`dam migrate takes no argument ('${args[0]}').`, 'Give the 1.x database folder with --from DIR.');
  if (opts.from !== undefined && (typeof opts.from !== 'string' || opts.from === ''))
    throw usageError('--from needs a folder.');
  const { store, legacy, defaultDir } = await ctx.migration();
  const from = typeof opts.from === 'string' ? resolve(ctx.cwd, opts.from) : defaultDir;
  const result = await migrate(
    { store, engine: () => ctx.engine(), report: ctx.log, now: () => new Date(), legacy },
    from,
    opts.dryRun === true,
  );
  return {
    data: result,
    text: render(result),
    exitCode: result.status === 'planned' && (result.conflicts ?? []).length ? 1 : 0,
  };
}
