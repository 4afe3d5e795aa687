// `dam upgrade`: replace an installed app by another version of its family. The old uninstall and the new
// install run with DAM_ACTION=upgrade; if the new install fails, the old version is installed again.
import { DamError } from '../core/errors.js';
import { checkInstallable, findInstalled } from '../core/install-rules.js';
import type { InstalledApp } from '../core/state.js';
import { acquire, addServerTags, checkScripts } from './acquire.js';
import { formatRef, parseRef } from '../core/ref.js';
import { pathInRepo } from '../core/repo-resolution.js';
import { compareVersions, parseVersionLike, sortTags } from '../core/search.js';
import type { LifecycleDeps } from './lifecycle-deps.js';
import { recoverPending } from './recover.js';
import { commit, installStep, journaled, setAsideStep, uninstallStep } from './steps.js';
import { rememberAccepted } from './signatures.js';

export interface UpgradeResult {
  from: InstalledApp;
  to: InstalledApp;
}

/**
 * `dam upgrade NAME`: the newest version-like tag the installed app's repo has, as a full tag; undefined when
 * the installed version is already the newest.
 */
export async function newestVersion(deps: LifecycleDeps, name: string): Promise<{ app: InstalledApp; tag?: string }> {
  const state = await deps.store.read();
  const app = findInstalled(state, name);
  const repo = state.repos.find((r) => r.id === app.repoId);
  if (!repo) {
    throw new DamError(
      'NOT_FOUND',
      `The repository ${app.name} was installed from is no longer configured, so DAM cannot look for newer versions.`,
      `Name the version: dam upgrade ${app.name}:VERSION`,
    );
  }
  const ref = parseRef(app.tag);
  const newest = sortTags(await deps.listTags(repo, pathInRepo(repo, ref.path))).find(
    (t) => parseVersionLike(t) !== undefined,
  );
  const installed = parseVersionLike(app.version);
  const candidate = newest ? parseVersionLike(newest) : undefined;
  if (!newest || !candidate || (installed && compareVersions(candidate, installed) <= 0)) return { app };
  return { app, tag: formatRef({ ...ref, tag: newest }) };
}

/** `text` names the new version: `name:version`, a full tag or an archive file. */
export async function upgrade(deps: LifecycleDeps, text: string, installedName?: string): Promise<UpgradeResult> {
  return deps.store.transaction(`upgrade ${text}`, async (tx) => {
    await recoverPending(deps, tx);
    const journal = await deps.journals.begin('upgrade', `upgrade ${text}`);
    return journaled(deps, tx, journal, async () => {
      let found: InstalledApp | undefined;
      const app = await acquire(deps, journal, tx.state, text, async (candidate) => {
        found = installedName
          ? findInstalled(tx.state, installedName)
          : (tx.state.apps.find((a) => a.name === candidate.name) ??
            tx.state.apps.find((a) => a.family === candidate.family));
        if (!found) {
          throw new DamError(
            'NOT_FOUND',
            `No installed app is in the family '${candidate.family}' of ${candidate.name}:${candidate.version}.`,
            `Install it instead: dam install ${text}`,
          );
        }
        if (found.version === candidate.version && found.name === candidate.name) {
          throw new DamError(
            'CONFLICT',
            `${candidate.name}:${candidate.version} is already the installed version.`,
            'Nothing to do.',
          );
        }
        checkInstallable(candidate.state, candidate, found);
        await checkScripts(deps, candidate);
      });
      const old = found;
      if (!old) throw new Error('acquire returned without running its check');
      await addServerTags(deps, journal, app);
      const versions = { oldVersion: old.version, newVersion: app.version };
      await uninstallStep(deps, journal, old, 'upgrade', versions);
      await setAsideStep(deps, journal, old);
      let next: InstalledApp;
      try {
        next = await installStep(deps, journal, app, app.state.nextAppId, 'upgrade', versions, old);
      } catch (err) {
        if (!(err instanceof DamError)) throw err;
        deps.report.warn(`The new version failed to install; ${old.name}:${old.version} is being installed again.`);
        throw new DamError(
          err.code,
          `${err.message}\nThe upgrade was rolled back: ${old.name}:${old.version} is installed again.`,
          err.hint,
        );
      }
      const base = app.state;
      await commit(deps, tx, journal, {
        ...base,
        apps: [...base.apps.filter((a) => a.id !== old.id), next],
        nextAppId: next.id + 1,
      });
      // As install and import: a signed upgrade raises the accepted sequence, so that release cannot be replayed.
      await rememberAccepted(deps, app.admission);
      return { from: old, to: next };
    });
  });
}
