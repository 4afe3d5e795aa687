// `dam doctor`: checks the engine, the state directory and the journal, and reports each with what to do.
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { DamError, errnoCode } from '../core/errors.js';
import { printable } from '../core/validate.js';
import type { DoctorOptions } from './doctor.command.js';

interface Problem {
  code: string;
  message: string;
  hint?: string | undefined;
}

export interface EngineReport {
  /** DOCKER_HOST, or the default socket. */
  address: string;
  reachable: boolean;
  version?: string;
  apiVersion?: string;
  storageDriver?: string;
  rootDir?: string;
  os?: string;
  architecture?: string;
  error?: Problem;
}

export interface StateReport {
  home: string;
  /** Octal permissions of the state directory, e.g. `0700`; null when it does not exist. */
  mode: string | null;
  /** Whether only the owner may read the directory, as DAM creates it. */
  private: boolean;
  stateFile: string;
  readable: boolean;
  repos?: number;
  apps?: number;
  error?: Problem;
}

export interface UnfinishedReport {
  journal: string;
  /** Journal files of operations that did not finish. */
  operations: string[];
}

/** `dam verify`'s summary; null when the engine or the state could not be read. */
export interface AppsReport {
  checked: number;
  problems: string[];
}

export interface DoctorReport {
  ok: boolean;
  engine: EngineReport;
  state: StateReport;
  unfinished: UnfinishedReport;
  apps: AppsReport | null;
}

const DEFAULT_ADDRESS = 'unix:///var/run/docker.sock';

function problem(err: unknown): Problem {
  if (err instanceof DamError) return { code: err.code, message: err.message, hint: err.hint };
  const code = errnoCode(err);
  if (code !== undefined) return { code, message: (err as Error).message };
  throw err;
}

async function checkEngine(ctx: Context): Promise<EngineReport> {
  const address = ctx.env.DOCKER_HOST || DEFAULT_ADDRESS;
  try {
    const info = await (await ctx.engine()).info();
    return { address, reachable: true, ...info };
  } catch (err) {
    if (!(err instanceof DamError)) throw err;
    return { address, reachable: false, error: problem(err) };
  }
}

async function checkState(ctx: Context): Promise<StateReport> {
  const dir = ctx.stateDir();
  const where = dir.describe();
  const report: StateReport = {
    home: where.dir,
    mode: null,
    private: false,
    stateFile: where.stateFile,
    readable: false,
  };
  try {
    const state = await dir.store().read();
    Object.assign(report, { readable: true, repos: state.repos.length, apps: state.apps.length });
  } catch (err) {
    report.error = problem(err);
  }
  const mode = await dir.mode();
  if (mode !== undefined) {
    report.mode = `0${mode.toString(8)}`;
    report.private = (mode & 0o077) === 0;
  }
  return report;
}

async function checkJournal(ctx: Context): Promise<UnfinishedReport> {
  const dir = ctx.stateDir();
  return { journal: dir.describe().journalDir, operations: await dir.pendingOperations() };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function render(ctx: Context, r: DoctorReport): string {
  const { red, green, yellow, dim } = ctx.style;
  const ok = green('ok');
  const lines: string[] = [];
  const failed = (p: Problem) => [
    `  ${red('FAILED')} ${printable(p.message)}`,
    ...(p.hint ? [`  ${dim('hint:')} ${p.hint}`] : []),
  ];

  lines.push(`Engine      ${printable(r.engine.address)}`);
  if (r.engine.reachable) {
    lines.push(`  version   ${r.engine.version} (${r.engine.os}/${r.engine.architecture})  ${ok}`);
    lines.push(`  API       ${r.engine.apiVersion} (negotiated)`);
    lines.push(`  storage   ${r.engine.storageDriver}, root ${r.engine.rootDir}`);
  } else if (r.engine.error) lines.push(...failed(r.engine.error));

  const s = r.state;
  const perms =
    s.mode === null
      ? 'not created'
      : `mode ${s.mode}${s.private ? '' : yellow(`: others may read it; run chmod 700 ${printable(s.home)}`)}`;
  lines.push(`State       ${printable(s.home)} (${perms})`);
  if (s.readable)
    lines.push(
      `  state     ${printable(s.stateFile)}: ${plural(s.repos ?? 0, 'repository', 'repositories')}, ${plural(s.apps ?? 0, 'app', 'apps')}  ${ok}`,
    );
  else if (s.error) lines.push(...failed(s.error));

  if (r.apps && r.apps.problems.length === 0)
    lines.push(`Apps        ${plural(r.apps.checked, 'app', 'apps')} as installed  ${ok}`);
  else if (r.apps) {
    lines.push(`Apps        ${red(`${plural(r.apps.problems.length, 'problem', 'problems')}`)}:`);
    for (const p of r.apps.problems) lines.push(`  ${printable(p)}`);
    lines.push(
      `  ${dim('hint:')} run 'dam verify' for details; reinstall an app with 'dam install NAME:VERSION --reinstall', or remove it.`,
    );
  }

  if (r.unfinished.operations.length === 0) lines.push(`Operations  none unfinished  ${ok}`);
  else {
    lines.push(
      `Operations  ${red(`${r.unfinished.operations.length} unfinished`)} in ${printable(r.unfinished.journal)}:`,
    );
    for (const op of r.unfinished.operations) lines.push(`  ${printable(op)}`);
    lines.push(
      `  ${dim('hint:')} an earlier dam command was stopped part-way; run 'dam doctor --fix' (or 'dam recover') to finish or roll it back.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function checkApps(ctx: Context, possible: boolean): Promise<AppsReport | null> {
  if (!possible) return null;
  const { verifyReport, problemLines } = await import('./verify.js');
  const report = await verifyReport(ctx, await ctx.store().read());
  return { checked: report.apps.length, problems: problemLines(report) };
}

/** `--fix`: finishes or rolls back unfinished operations (as `dam recover`) before checking. */
async function fix(ctx: Context): Promise<void> {
  if ((await checkJournal(ctx)).operations.length === 0) return;
  const { recover } = await import('../app/recover.js');
  for (const r of await recover(await ctx.lifecycle())) {
    ctx.log.info(
      `Fixed '${r.summary}': ${r.outcome === 'finished' ? 'finished' : 'rolled back'}${r.problems.length ? ` (could not: ${r.problems.join('; ')})` : ''}.`,
    );
  }
}

export async function run(ctx: Context, { opts }: CommandInput<DoctorOptions>): Promise<CommandResult> {
  if (opts.fix === true) await fix(ctx);
  const [engine, state, unfinished] = await Promise.all([checkEngine(ctx), checkState(ctx), checkJournal(ctx)]);
  const apps = await checkApps(ctx, engine.reachable && state.readable);
  const ok = engine.reachable && state.readable && unfinished.operations.length === 0 && apps?.problems.length === 0;
  const report: DoctorReport = { ok, engine, state, unfinished, apps };
  return { data: report, text: render(ctx, report), exitCode: ok ? 0 : 1 };
}
