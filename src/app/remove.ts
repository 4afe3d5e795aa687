// `dam remove`: run the app's uninstall from the meta copy kept at install time, then forget the app. The
// image stays for `dam purge`. A failing uninstall leaves the app installed, unless --force.
import { DamError } from '../core/errors.js';
import { findInstalled } from '../core/install-rules.js';
import type { InstalledApp } from '../core/state.js';
import type { LifecycleDeps } from './lifecycle-deps.js';
import { recoverPending } from './recover.js';
import { commit, journaled, setAsideStep, uninstallStep } from './steps.js';

export interface RemoveResult {
  app: InstalledApp;
  /** Set when --force dropped the record although the uninstall script failed. */
  forcedAfter?: string;
}

export async function remove(deps: LifecycleDeps, text: string, force: boolean): Promise<RemoveResult> {
  return deps.store.transaction(`remove ${text}`, async (tx) => {
    await recoverPending(deps, tx);
    const app = findInstalled(tx.state, text);
    const journal = await deps.journals.begin('remove', `remove ${app.name}:${app.version}`);
    return journaled(deps, tx, journal, async () => {
      let forcedAfter: string | undefined;
      try {
        await uninstallStep(deps, journal, app, 'remove');
      } catch (err) {
        if (!force || (err instanceof DamError && err.code === 'INTERRUPTED')) throw err;
        forcedAfter = err instanceof Error ? err.message : String(err);
        deps.report.warn(`${forcedAfter}\n--force: forgetting ${app.name}:${app.version} all the same.`);
        // With --force the failed uninstall is not undone: drop its journal entry.
        journal.journal.entries = journal.journal.entries.filter((e) => e.effect.kind !== 'script');
      }
      await setAsideStep(deps, journal, app);
      await commit(deps, tx, journal, { ...tx.state, apps: tx.state.apps.filter((a) => a.id !== app.id) });
      const result: RemoveResult = { app };
      if (forcedAfter) result.forcedAfter = forcedAfter;
      return result;
    });
  });
}
