// `dam migrate`: take a DAM 1.x database over, at any time. Reads it, completes each app from the engine
// (the full image id for 1.x's 12 digits, and the multiversion label 1.x never saved), plans the merge (see
// core/migrate-plan.ts), and unless --dry-run writes the merged state under the lock, then marks the 1.x
// database as taken over (adapters/store/legacy-files.ts). The plan is made again under the lock, so a
// concurrent change cannot slip in between. Running it again after a crash between the two writes finds
// the apps present and only marks.
import { DamError, isDamError } from '../core/errors.js';
import { importLegacyDb, type LegacyImport, type TakenOverMarker } from '../core/legacy-db.js';
import { planMigration, refuseConflicts, type MigratePlan } from '../core/migrate-plan.js';
import type { Engine } from '../core/ports/engine.js';
import type { Store } from '../core/ports/store.js';
import type { Reporter } from './lifecycle-deps.js';

/** The 1.x database's files (adapters/store/legacy-files.ts). */
export interface LegacyFilesPort {
  read(dir: string): Promise<{ repos?: string; apps?: string; takenOver?: TakenOverMarker }>;
  markTakenOver(dir: string, at: Date): Promise<TakenOverMarker>;
}

export interface MigrateDeps {
  store: Store;
  legacy: LegacyFilesPort;
  engine: () => Promise<Engine>;
  report: Reporter;
  now: () => Date;
}

export type MigrateStatus = 'planned' | 'migrated' | 'already-migrated';

export interface MigrateResult extends Partial<MigratePlan> {
  schemaVersion: 1;
  from: string;
  status: MigrateStatus;
  dryRun: boolean;
  /** The marker left in 1.x's Apps file (now, or by an earlier migration). */
  takenOver?: TakenOverMarker;
}

/** Fills in what 1.x did not record, from the engine when it answers; warns about apps whose image is gone. */
async function completeFromEngine(deps: MigrateDeps, legacy: LegacyImport): Promise<void> {
  let engine: Engine;
  try {
    engine = await deps.engine();
    await engine.info();
  } catch (err) {
    if (!isDamError(err, 'ENGINE_UNREACHABLE')) throw err;
    legacy.warnings.push(
      `the engine does not answer (${err.message}): the apps keep 1.x's short image ids and multiversion flags`,
    );
    return;
  }
  for (const app of legacy.state.apps) {
    const image = await engine.inspectImage(app.imageId);
    if (!image) {
      legacy.warnings.push(
        `the image ${app.imageId} of ${app.name}:${app.version} is not in the engine: its uninstall cannot run (dam remove --force forgets it)`,
      );
      continue;
    }
    app.imageId = image.id;
    app.multiversion = image.labels.DAM_APP_MULTIVERSION === 'true';
  }
}

export async function migrate(deps: MigrateDeps, from: string, dryRun: boolean): Promise<MigrateResult> {
  const files = await deps.legacy.read(from);
  if (files.takenOver)
    return { schemaVersion: 1, from, status: 'already-migrated', dryRun, takenOver: files.takenOver };
  if (files.repos === undefined && files.apps === undefined) {
    throw new DamError(
      'NOT_FOUND',
      `There is no DAM 1.x database at ${from} (no Repos or Apps file).`,
      'DAM 1.x keeps it in $XDG_CACHE_HOME/dam or ~/.cache/dam of the user who ran it; give its folder with --from DIR.',
    );
  }
  const legacy = importLegacyDb(files.repos ?? '', files.apps ?? '');
  await completeFromEngine(deps, legacy);
  const plan = planMigration(await deps.store.read(), await deps.store.readCredentials(), legacy).plan;
  if (dryRun) {
    return { schemaVersion: 1, from, status: 'planned', dryRun, ...plan };
  }
  refuseConflicts(plan, from);
  return deps.store.transaction('migrate', async (tx) => {
    const merged = planMigration(tx.state, tx.credentials, legacy);
    refuseConflicts(merged.plan, from);
    await tx.write(merged.state, merged.credentials);
    const takenOver = await deps.legacy.markTakenOver(from, deps.now());
    deps.report.info(`Marked the DAM 1.x database as taken over: its apps list is now ${from}/${takenOver.backup}.`);
    return { schemaVersion: 1, from, status: 'migrated', dryRun, ...merged.plan, takenOver };
  });
}
