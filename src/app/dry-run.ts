// `--dry-run` of install, upgrade and remove: the plan each would carry out, as plain data, made without
// the lock and without changing anything (no pull, no load, no script). An archive is not read: its app is
// known from a `.dam` file name, else only when it is installed.
import { basename, resolve } from 'node:path';
import { DamError } from '../core/errors.js';
import { checkInstallable, findInstalled } from '../core/install-rules.js';
import { readAppLabels } from '../core/app-labels.js';
import { parseDamName } from '../core/archive/dam-name.js';
import { appNameOf, formatRef, resolveAppRef } from '../core/ref.js';
import { defaultRepo, repoPrefix, type InstalledApp, type State } from '../core/state.js';
import type { LifecycleDeps } from './lifecycle-deps.js';
import { alreadyInstalled } from './install.js';

export interface PlannedApp {
  name: string | null;
  version: string | null;
  tag: string | null;
}

export interface PlanStep {
  request: string;
  action: 'install' | 'reinstall' | 'upgrade' | 'remove' | 'none';
  /** Why nothing would be done, or why the step would be refused. */
  reason?: string;
  app: PlannedApp;
  /** The installed app the step uninstalls first (upgrade, reinstall, remove). */
  replaces?: PlannedApp;
  /** Where the image would come from. */
  source?: 'archive' | 'local' | 'pull' | 'installed';
  /** The scripts that would run, in order. */
  scripts: string[];
  /** Set when the step would be refused: the error it would give. */
  refused?: { code: string; message: string };
}

export interface DryRunPlan {
  schemaVersion: 1;
  dryRun: true;
  operation: 'install' | 'upgrade' | 'remove';
  steps: PlanStep[];
}

const view = (a: InstalledApp): PlannedApp => ({ name: a.name, version: a.version, tag: a.tag });

/** The app an argument names, without reading an archive or pulling: labels only from a local image. */
async function target(
  deps: LifecycleDeps,
  state: State,
  text: string,
): Promise<{ app: PlannedApp; source: PlanStep['source']; family?: string; multiversion?: boolean }> {
  if (await deps.dirs.isFile(resolve(text))) {
    const parsed = parseDamName(basename(text));
    return { app: { name: parsed?.name ?? null, version: parsed?.version ?? null, tag: null }, source: 'archive' };
  }
  const ref = resolveAppRef(text, repoPrefix(defaultRepo(state)));
  const tag = formatRef(ref);
  const local = await deps.engine.inspectImage(tag);
  const app = { name: appNameOf(ref), version: ref.tag, tag };
  if (!local) return { app, source: 'pull' };
  const labels = readAppLabels(local.labels, app.name);
  return { app, source: 'local', family: labels.family, multiversion: labels.multiversion };
}

function refusal(err: unknown): { code: string; message: string } {
  if (err instanceof DamError) return { code: err.code, message: err.message };
  throw err;
}

export async function planInstall(deps: LifecycleDeps, texts: string[], reinstall: boolean): Promise<DryRunPlan> {
  const state = await deps.store.read();
  const steps: PlanStep[] = [];
  for (const request of texts) {
    const known = await alreadyInstalled(deps, state, request);
    if (known && !reinstall) {
      steps.push({
        request,
        action: 'none',
        reason: `already installed (known from the ${known.decidedFrom.replace('-', ' ')})`,
        app: view(known.app),
        source: 'installed',
        scripts: [],
      });
      continue;
    }
    const found = await target(deps, state, request);
    const step: PlanStep = {
      request,
      action: known ? 'reinstall' : 'install',
      app: found.app,
      source: found.source,
      scripts: known ? ['uninstall', 'install'] : ['install'],
    };
    if (known) step.replaces = view(known.app);
    if (found.family !== undefined && found.app.name && found.app.version) {
      try {
        checkInstallable(
          state,
          {
            name: found.app.name,
            version: found.app.version,
            family: found.family,
            multiversion: found.multiversion === true,
          },
          known?.app,
        );
      } catch (err) {
        step.refused = refusal(err);
      }
    }
    steps.push(step);
  }
  return { schemaVersion: 1, dryRun: true, operation: 'install', steps };
}

export async function planUpgrade(deps: LifecycleDeps, request: string, resolved: string): Promise<DryRunPlan> {
  const state = await deps.store.read();
  const found = await target(deps, state, resolved);
  const from =
    state.apps.find((a) => a.name === found.app.name) ??
    state.apps.find((a) => found.family !== undefined && a.family === found.family);
  const step: PlanStep = {
    request,
    action: 'upgrade',
    app: found.app,
    source: found.source,
    scripts: ['uninstall', 'install'],
  };
  if (from) step.replaces = view(from);
  if (!from && found.app.name)
    step.refused = { code: 'NOT_FOUND', message: `No installed app is named ${found.app.name} or is in its family.` };
  else if (from && from.version === found.app.version)
    Object.assign(step, { action: 'none', reason: 'already the installed version', scripts: [] });
  return { schemaVersion: 1, dryRun: true, operation: 'upgrade', steps: [step] };
}

export async function planRemove(deps: LifecycleDeps, request: string): Promise<DryRunPlan> {
  const app = findInstalled(await deps.store.read(), request);
  const step: PlanStep = {
    request,
    action: 'remove',
    app: view(app),
    scripts: ['uninstall'],
    reason: `its image ${app.tag} stays until dam purge`,
  };
  return { schemaVersion: 1, dryRun: true, operation: 'remove', steps: [step] };
}

/** The plan as lines for people. */
export function planText(plan: DryRunPlan): string {
  const name = (a: PlannedApp) => (a.name ? `${a.name}:${a.version}` : 'the app in the archive');
  const lines = plan.steps.map((s) => {
    const what =
      s.action === 'none'
        ? `nothing to do for ${name(s.app)}: ${s.reason}`
        : `${s.action} ${name(s.app)}${s.replaces && s.action !== 'remove' ? ` (replacing ${name(s.replaces)})` : ''}`;
    const from =
      s.source && s.action !== 'none' && s.action !== 'remove'
        ? `, from ${s.source === 'pull' ? `a pull of ${s.app.tag}` : s.source === 'local' ? `the local image ${s.app.tag}` : s.request}`
        : '';
    const scripts = s.scripts.length ? `; scripts: ${s.scripts.join(', then ')}` : '';
    const refused = s.refused ? `\n    would be refused: ${s.refused.message}` : '';
    const note = s.action === 'remove' && s.reason ? `; ${s.reason}` : '';
    return `  ${what}${from}${scripts}${note}${refused}`;
  });
  return `Plan (dry run, nothing was changed):\n${lines.join('\n')}\n`;
}
