import { resolve } from 'node:path';
import { DamError } from '../core/errors.js';
import { errorsOf, formatFinding, lint } from '../core/lint/lint.js';
import type { Finding, LintSubject } from '../core/lint/types.js';
import { damEnvironment } from '../core/create/env-files.js';
import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import type { LintOptions } from './lint.command.js';

export interface LintResult {
  target: string;
  kind: LintSubject['kind'];
  errors: number;
  warnings: number;
  findings: Finding[];
}

export async function readSubject(ctx: Context, target: string): Promise<LintSubject> {
  const path = resolve(ctx.cwd, target);
  const subjects = await ctx.lintSubjects();
  const kind = await subjects.classify(path);
  if (kind === 'project') return { ...(await subjects.project(path, target)), processEnv: damEnvironment(ctx.env) };
  if (kind === 'archive') return subjects.archive(path, target);
  if (/^[./~]|\.(dam|tar|tgz|tar\.gz)$/.test(target)) {
    throw new DamError(
      'NOT_FOUND',
      `There is no folder or file '${target}'.`,
      'Give an app project folder, a .dam (or docker save) file, or a local image such as web:1.0.',
    );
  }
  return subjects.image(target);
}

export async function run(ctx: Context, { args }: CommandInput<LintOptions>): Promise<CommandResult> {
  const target = args[0] ?? '.';
  const subject = await readSubject(ctx, target);
  const findings = lint(subject);
  const errors = errorsOf(findings).length;
  const data: LintResult = { target, kind: subject.kind, errors, warnings: findings.length - errors, findings };
  const summary =
    findings.length === 0
      ? `No findings in '${target}'.`
      : `${errors} error(s), ${findings.length - errors} warning(s) in '${target}'.`;
  const text = [...findings.map((f) => formatFinding(f)), summary].join('\n');
  return { data, text, exitCode: errors > 0 ? 1 : 0 };
}
