// Finishing or rolling back operations that a killed dam left behind. An operation whose state write
// happened is finished (its clean-up done); any other is rolled back effect by effect.
import { wasCommitted } from '../core/journal.js';
import type { StoreTransaction } from '../core/ports/store.js';
import type { LifecycleDeps } from './lifecycle-deps.js';
import { rollback } from './rollback.js';

export interface RecoveryReport {
  journal: string;
  summary: string;
  startedAt: string;
  outcome: 'finished' | 'rolled-back';
  problems: string[];
}

export async function recoverPending(deps: LifecycleDeps, tx: StoreTransaction): Promise<RecoveryReport[]> {
  const reports: RecoveryReport[] = [];
  for (const journal of await deps.journals.pending()) {
    const j = journal.journal;
    const base = { journal: j.id, summary: j.summary, startedAt: j.startedAt };
    if (wasCommitted(j, tx.state.lastOperation)) {
      deps.report.info(`Finishing '${j.summary}', interrupted at ${j.startedAt} after it was recorded.`);
      await journal.close();
      reports.push({ ...base, outcome: 'finished', problems: [] });
      continue;
    }
    deps.report.warn(`'${j.summary}' (started ${j.startedAt}) did not finish; rolling it back.`);
    const problems = await rollback(journal, deps);
    reports.push({ ...base, outcome: 'rolled-back', problems });
  }
  return reports;
}

/** `dam recover`: takes the lock and recovers everything pending. */
export async function recover(deps: LifecycleDeps): Promise<RecoveryReport[]> {
  return deps.store.transaction('recover', (tx) => recoverPending(deps, tx));
}
