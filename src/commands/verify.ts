// `dam verify [APP]`: see app/verify.ts. Also used by `dam doctor` for its summary.
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { table } from '../cli/table.js';
import type { State } from '../core/state.js';
import { verifyApps, type VerifyReport } from '../app/verify.js';
import type { VerifyOptions } from './verify.command.js';

export async function verifyReport(ctx: Context, state: State, name?: string): Promise<VerifyReport> {
  const deps = {
    engine: await ctx.engine(),
    appMetaDir: (id: number) => ctx.stateDir().appMetaDir(id),
    metaDigests: (dir: string) => ctx.metaDigests(dir),
  };
  return verifyApps(deps, state, name);
}

/** One line per app with a problem, for people. */
export function problemLines(report: VerifyReport): string[] {
  return report.apps.flatMap((a) => a.problems.map((p) => `${a.name}:${a.version}: ${p}`));
}

const META: Record<string, string> = {
  ok: 'ok',
  changed: 'CHANGED',
  missing: 'MISSING',
  'not-recorded': 'not recorded',
};

export async function run(ctx: Context, { args }: CommandInput<VerifyOptions>): Promise<CommandResult> {
  const report = await verifyReport(ctx, await ctx.store().read(), args[0]);
  const rows = report.apps.map((a) => [
    `${a.name}:${a.version}`,
    a.image === 'ok' ? 'ok' : 'MISSING',
    a.tagState === 'ok' ? 'ok' : a.tagState.toUpperCase(),
    META[a.meta] ?? a.meta,
  ]);
  const problems = problemLines(report);
  const summary =
    report.apps.length === 0
      ? 'No apps are installed.\n'
      : problems.length === 0
        ? `All ${report.apps.length} app(s) are as installed.\n`
        : `${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join('\n')}\n`;
  const text = `${rows.length ? table(['APP', 'IMAGE', 'TAG', 'META'], rows) : ''}${summary}`;
  if (problems.length)
    ctx.log.info(
      'To repair an app, reinstall it (dam install NAME:VERSION --reinstall), or remove it (dam remove NAME:VERSION).',
    );
  return { data: report, text, exitCode: report.ok ? 0 : 1 };
}
