import type { Context } from '../cli/context.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { confirm } from '../cli/confirm.js';
import { applyImport, prepareImport, type PreparedImport } from '../app/import.js';
import { isEmptyPlan } from '../core/import-plan.js';
import { describeVerdict } from '../core/signing/verdict.js';
import { withFileMeter } from '../cli/file-meter.js';
import type { ImportOptions } from './import.command.js';

function planText(ctx: Context, prepared: PreparedImport): string {
  const { plan } = prepared;
  const s = ctx.style;
  const lines: string[] = [
    plan.scope === 'product'
      ? `Product '${plan.product ?? ''}': only its apps change; other apps stay as they are.`
      : 'Whole host: apps not in the product are removed.',
  ];
  const section = (title: string, items: string[], paint: (x: string) => string) => {
    if (items.length === 0) return;
    lines.push(paint(`${title}:`));
    for (const i of items) lines.push(`  ${i}`);
  };
  section(
    'Keep',
    plan.keep.map((a) => `${a.name}:${a.version}`),
    s.dim,
  );
  section(
    'Remove',
    plan.remove.map((a) => `${a.name}:${a.version}`),
    s.red,
  );
  section(
    'Upgrade',
    plan.upgrade.map((u) => `${u.from.name}:${u.from.version} -> ${u.to.version}`),
    s.yellow,
  );
  section(
    'Install',
    plan.install.map((a) => `${a.name}:${a.version}`),
    s.green,
  );
  section(
    plan.product === undefined ? 'No longer of a product' : `Take into product '${plan.product}'`,
    plan.claim.map((a) => `${a.name}:${a.version}`),
    s.dim,
  );
  if (isEmptyPlan(plan)) lines.push('Nothing to do: the host already has this product.');
  if (prepared.signature)
    lines.push(
      `Signature: ${describeVerdict(prepared.signature)}`,
      ...(prepared.signature.status === 'refused' ? [`  ${prepared.signature.message}`] : []),
    );
  return `${lines.join('\n')}\n`;
}

/** The apps an applied import changed, for the history file. */
function importChanges(plan: PreparedImport['plan']) {
  return [
    ...plan.remove.map((a) => ({ app: a.name, from: a.version, to: null })),
    ...plan.upgrade.map((u) => ({ app: u.to.name, from: u.from.version, to: u.to.version })),
    ...plan.install.map((a) => ({ app: a.name, from: null, to: a.version })),
  ];
}

function planData(prepared: PreparedImport) {
  const { plan, source } = prepared;
  const app = (a: { name: string; version: string }) => `${a.name}:${a.version}`;
  return {
    source: {
      path: source.path,
      kind: source.bundle?.kind ?? 'list',
      product: source.product.name ?? null,
      apps: source.product.apps.length,
    },
    restore: prepared.restore,
    scope: plan.scope,
    keep: plan.keep.map(app),
    remove: plan.remove.map(app),
    upgrade: plan.upgrade.map((u) => ({ from: app(u.from), to: app(u.to) })),
    install: plan.install.map(app),
    claim: plan.claim.map(app),
    signature: prepared.signature ?? null,
  };
}

export async function run(ctx: Context, { args, opts }: CommandInput<ImportOptions>): Promise<CommandResult> {
  const deps = await ctx.importer(opts);
  const prepared = await prepareImport(deps, args[0] ?? '', {
    restore: opts.restore === true,
    exact: opts.exact === true,
  });
  const shown = planText(ctx, prepared);
  if (opts.dryRun === true) return { data: { ...planData(prepared), applied: false }, text: shown };
  ctx.log.raw(shown);
  if (isEmptyPlan(prepared.plan)) return { data: { ...planData(prepared), applied: false } };
  if (opts.yes !== true && !(await confirm(ctx, 'Apply these changes?', '--yes'))) {
    ctx.log.info('Import cancelled; nothing was changed.');
    return { data: { ...planData(prepared), applied: false } };
  }
  const apply = () => applyImport(deps, prepared);
  const result = prepared.source.bundle
    ? await withFileMeter(ctx, `Reading ${prepared.source.path}`, prepared.source.path, apply)
    : await apply();
  ctx.log.success(
    result.changed
      ? `Import finished: ${result.installed.length} installed or upgraded, ${result.removed.length} removed.`
      : 'Nothing to do: the host already has this product.',
  );
  return {
    data: { ...planData(prepared), applied: result.changed },
    history: { plan: planData(prepared), changes: result.changed ? importChanges(prepared.plan) : [] },
  };
}
