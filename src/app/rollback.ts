// Undoing journaled effects. Every undo is idempotent and reports its failure instead of stopping the
// rollback: the remaining effects are still undone, and the user is told what could not be.
import { isDamError } from '../core/errors.js';
import { undoOrder, type Effect, type ScriptTarget } from '../core/journal.js';
import type { ActiveJournal } from '../core/ports/host.js';
import type { LifecycleDeps } from './lifecycle-deps.js';
import type { ScriptAction, ScriptApp } from '../core/script-env.js';

export function scriptApp(
  app: ScriptTarget,
  action: ScriptAction,
  versions: { oldVersion?: string; newVersion?: string } = {},
): ScriptApp {
  const out: ScriptApp = { name: app.name, version: app.version, tag: app.tag, family: app.family, action };
  if (versions.oldVersion !== undefined) out.oldVersion = versions.oldVersion;
  if (versions.newVersion !== undefined) out.newVersion = versions.newVersion;
  return out;
}

async function undoEffect(effect: Effect, deps: LifecycleDeps): Promise<void> {
  switch (effect.kind) {
    case 'tag':
      if (effect.previous) await deps.engine.tagImage(effect.previous, effect.ref);
      else
        await deps.engine.removeImage(effect.ref, { noPrune: false }).catch((err: unknown) => {
          if (!isDamError(err, 'NOT_FOUND')) throw err;
        });
      return;
    case 'image':
      if (!effect.existedBefore) {
        await deps.engine.removeImage(effect.imageId).catch((err: unknown) => {
          if (!isDamError(err, 'NOT_FOUND') && !isDamError(err, 'CONFLICT')) throw err;
        });
      }
      return;
    case 'dir':
      await deps.dirs.remove(effect.path);
      return;
    case 'moved-dir':
      if (await deps.dirs.exists(effect.to)) await deps.dirs.move(effect.to, effect.from);
      return;
    case 'script': {
      const reverse = effect.script === 'install' ? 'uninstall' : 'install';
      if (!(await deps.dirs.exists(effect.app.metaDir))) return;
      deps.report.info(`Rolling back: running ${reverse} of ${effect.app.name}:${effect.app.version}`);
      await deps.scripts.run({
        script: reverse,
        metaDir: effect.app.metaDir,
        app: scriptApp(effect.app, effect.action, effect),
        settings: effect.app.settings,
        timeoutMs: deps.scriptTimeoutMs,
      });
      return;
    }
  }
}

function describe(effect: Effect): string {
  switch (effect.kind) {
    case 'tag':
      return `restore tag ${effect.ref}`;
    case 'image':
      return `remove image ${effect.imageId.slice(0, 19)}`;
    case 'dir':
      return `remove ${effect.path}`;
    case 'moved-dir':
      return `move ${effect.to} back`;
    case 'script':
      return `undo the ${effect.script} script of ${effect.app.name}:${effect.app.version}`;
  }
}

/** Undoes every recorded effect, last first, then deletes the journal. Returns what could not be undone. */
export async function rollback(journal: ActiveJournal, deps: LifecycleDeps): Promise<string[]> {
  const problems: string[] = [];
  // Rollback must finish even after Ctrl-C: scripts run without the interrupted signal.
  for (const effect of undoOrder(journal.journal)) {
    try {
      await undoEffect(effect, deps);
    } catch (err) {
      const message = `could not ${describe(effect)}: ${err instanceof Error ? err.message : String(err)}`;
      problems.push(message);
      deps.report.warn(message);
    }
  }
  await journal.close();
  return problems;
}
