// Recording each operation that changes the host or the state in the history file, when it ends (ok or not).
// A history that cannot be written is reported, never allowed to fail an operation that succeeded.
import { userInfo } from 'node:os';
import { DamError } from '../core/errors.js';
import { HISTORY_FORMAT, overridesOf, type HistoryChange, type HistoryEntry } from '../core/history.js';
import type { Context } from './context.js';
import type { CommandResult, CommandSpec } from './spec.js';

/** Commands that change the host, the engine or the state; read-only sub-actions are left out below. */
const RECORDED = new Set([
  'install',
  'remove',
  'upgrade',
  'import',
  'purge',
  'recover',
  'create',
  'addrepo',
  'modifyrepo',
  'removerepo',
  'key',
  'trust',
  'migrate',
]);

function recorded(spec: CommandSpec, args: string[], opts: Record<string, unknown>): boolean {
  if (opts.dryRun === true) return false;
  if (spec.name === 'doctor') return opts.fix === true;
  if ((spec.name === 'key' || spec.name === 'trust') && args[0] === 'list') return false;
  return RECORDED.has(spec.name);
}

function whoAmI(env: NodeJS.ProcessEnv): Pick<HistoryEntry, 'user' | 'uid' | 'sudoUser'> {
  const uid = process.getuid?.() ?? null;
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = env.USER ?? String(uid);
  }
  return { user, uid, ...(env.SUDO_USER ? { sudoUser: env.SUDO_USER } : {}) };
}

export interface Outcome {
  spec: CommandSpec;
  argv: string[];
  args: string[];
  opts: Record<string, unknown>;
  started: Date;
  result?: CommandResult;
  error?: unknown;
}

export async function recordHistory(ctx: Context, o: Outcome): Promise<void> {
  if (!recorded(o.spec, o.args, o.opts)) return;
  const dir = ctx.stateDir();
  // No state directory: the operation failed before it could change anything.
  if ((await dir.mode().catch(() => undefined)) === undefined) return;
  const exitCode = o.error ? (o.error instanceof DamError ? o.error.exitCode : 1) : (o.result?.exitCode ?? 0);
  const entry: HistoryEntry = {
    format: HISTORY_FORMAT,
    start: o.started.toISOString(),
    end: new Date().toISOString(),
    ...whoAmI(ctx.env),
    commandLine: o.argv,
    command: o.spec.name,
    result: exitCode === 0 ? 'ok' : 'failed',
    exitCode,
    changes: (o.result?.history?.changes ?? []) as HistoryChange[],
    overrides: overridesOf(o.opts),
  };
  if (o.error)
    entry.error = {
      code: o.error instanceof DamError ? o.error.code : 'INTERNAL',
      message: o.error instanceof Error ? o.error.message : String(o.error),
    };
  if (o.result?.history?.plan !== undefined) entry.plan = o.result.history.plan;
  const max = Number(ctx.env.DAM_HISTORY_MAX_BYTES);
  try {
    await (await ctx.history()).append(entry, Number.isInteger(max) && max > 0 ? max : undefined);
  } catch (err) {
    ctx.log.warn(
      `Could not record this operation in the history of ${dir.describe().dir}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}
