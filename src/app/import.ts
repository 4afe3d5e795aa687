// `dam import`: bring the host to a product as ONE journaled transaction. First a plan (shown, confirmed);
// then, under the lock and with the plan checked again, every image is got and every app checked before
// the first script runs; then removals, upgrades and installs; one commit at the end. If any app fails,
// everything this run changed is rolled back: removed apps come back, upgraded apps return to their
// previous versions.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DamError } from '../core/errors.js';
import { checkInstallable } from '../core/install-rules.js';
import { isEmptyPlan, planImport, type ImportOptions, type ImportPlan } from '../core/import-plan.js';
import { parseProductJson, parseTextList, type Product, type ProductApp } from '../core/product.js';
import { defaultRepo, repoPrefix, type InstalledApp, type State } from '../core/state.js';
import type { BundleContents, Bundles } from '../core/ports/bundle.js';
import { metaContentDifferences, type MetaContent } from '../core/bundle/meta-listing.js';
import type { ActiveJournal } from '../core/ports/host.js';
import { acquire, addServerTags, checkScripts, type AcquiredApp } from './acquire.js';
import { checkInterrupted, faultPoint, type LifecycleDeps } from './lifecycle-deps.js';
import { recoverPending } from './recover.js';
import { commit, installedRecord, installStep, intendLoad, journaled, setAsideStep, uninstallStep } from './steps.js';
import { admitArchive, rememberAccepted } from './signatures.js';
import type { Verdict } from '../core/signing/verdict.js';
import type { Platform } from '../core/ports/registry.js';
import { normalizePlatform } from '../core/platform.js';
import { forPlatform } from '../core/bundle/platform-choice.js';

export interface ImportSource {
  path: string;
  product: Product;
  bundle?: BundleContents;
}

export interface PreparedImport {
  source: ImportSource;
  plan: ImportPlan;
  restore: boolean;
  exact: boolean;
  /** The trust policy's verdict on a bundle or DAM 1.x export; absent for an app list or product file. */
  signature?: Verdict;
}

export interface ImportDeps extends LifecycleDeps {
  bundles: Bundles;
  /** Layers a delta bundle omits that the engine lacks. */
  missingLayers(contents: BundleContents): Promise<string[]>;
  /** Free bytes where the engine keeps its images; undefined when that is not on this host. */
  engineFreeBytes(): Promise<number | undefined>;
  /** The content of a meta copy on the host. */
  metaContent(dir: string): Promise<MetaContent>;
}

/** The scripts about to run must be the ones the bundle's index pins (and, when signed, its signer vouched for). */
async function checkMetaAgainstIndex(
  deps: ImportDeps,
  bundle: BundleContents | undefined,
  app: AcquiredApp,
): Promise<void> {
  const image = bundle?.images.find((i) => i.imageId === app.imageId);
  if (!image?.meta) return;
  const differs = metaContentDifferences(image.meta, await deps.metaContent(app.stagedMeta));
  if (differs.length > 0) {
    throw new DamError(
      'ARCHIVE_INVALID',
      `The /meta of ${app.tag} in the engine differs from what ${bundle?.path ?? 'the bundle'} lists, at '${differs[0]}'.`,
      'The image was changed after it was loaded; import the bundle again.',
    );
  }
}

export async function readImportSource(deps: ImportDeps, path: string): Promise<ImportSource> {
  const opened = await deps.bundles.open(path, deps.signal);
  if (opened) {
    // A bundle of several platforms gives this host its engine's; none of them: refused before any change.
    const bundle = opened.format === 2 ? forPlatform(opened, await enginePlatform(deps)) : opened;
    return { path, product: bundle.product, bundle };
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new DamError(
      'NOT_FOUND',
      `Cannot read the product file '${path}': ${err instanceof Error ? err.message : String(err)}.`,
      'Give the path of an app list, a product file or a bundle made by dam export.',
    );
  }
  // An empty list would remove every installed app: a truncated or wrong file must not mean that.
  if (text.trim() === '')
    throw new DamError(
      'ARCHIVE_INVALID',
      `'${path}' is empty: it is not a bundle, an app list or a product file.`,
      'Give the file dam export wrote on the source host; to remove apps, use dam remove NAME.',
    );
  const product = text.trimStart().startsWith('{') ? parseProductJson(text, path) : parseTextList(text, path);
  return { path, product };
}

async function enginePlatform(deps: ImportDeps): Promise<Platform> {
  const info = await deps.engine.info();
  return normalizePlatform(info.os, info.architecture);
}

export async function prepareImport(deps: ImportDeps, path: string, options: ImportOptions): Promise<PreparedImport> {
  const source = await readImportSource(deps, path);
  const state = await deps.store.read();
  const prepared: PreparedImport = {
    source,
    plan: planImport(state, source.product, options),
    restore: options.restore,
    exact: options.exact === true,
  };
  if (source.bundle && deps.trust) prepared.signature = await deps.trust.checkBundle(source.bundle);
  return prepared;
}

const key = (a: { name: string; version: string }) => `${a.name}:${a.version}`;

function samePlan(a: ImportPlan, b: ImportPlan): boolean {
  const show = (p: ImportPlan) =>
    JSON.stringify([
      p.keep.map(key),
      p.remove.map(key),
      p.upgrade.map((u) => [key(u.from), key(u.to)]),
      p.install.map(key),
      p.claim.map(key),
    ]);
  return show(a) === show(b);
}

/** The reference to install a product app from: its pinned tag, else the default repo's `name:version`. */
function refOf(app: ProductApp, state: State): string {
  return app.tag ?? `${repoPrefix(defaultRepo(state))}${app.name}:${app.version}`;
}

function inStep(app: { name: string; version: string }, step: string, err: unknown): unknown {
  if (!(err instanceof DamError) || err.code === 'INTERRUPTED') return err;
  return new DamError(err.code, `Import stopped at ${key(app)} (${step}): ${err.message}`, err.hint);
}

/** Where a bundle import stages an image's /meta, in the journal's work directory. */
const bundleMetaName = (imageId: string) => `bundle-meta-${imageId.replace(/^sha256:/, '')}`;

async function loadBundle(deps: ImportDeps, journal: ActiveJournal, bundle: BundleContents): Promise<void> {
  const missing = await deps.missingLayers(bundle);
  if (missing.length > 0) {
    throw new DamError(
      'ARCHIVE_INVALID',
      `${bundle.path} is a delta that leaves out ${missing.length} layer(s) this engine does not have, e.g. ${missing[0]}.`,
      "Export a full bundle (without --delta), or a delta against this host's current inventory.",
    );
  }
  const free = await deps.engineFreeBytes();
  if (free !== undefined && free < bundle.layerBytes) {
    throw new DamError(
      'IO_ERROR',
      `Loading ${bundle.path} needs up to ${Math.ceil(bundle.layerBytes / 1e6)} MB where the engine keeps its images, and only ${Math.floor(free / 1e6)} MB are free.`,
      'Free some space (dam purge, docker system prune) and import again; nothing was changed.',
    );
  }
  await intendLoad(deps, journal, bundle.images);
  faultPoint(deps, 'before-load');
  // load checks every blob's size and sha256 and every /meta file as it streams, and holds back the end of
  // the archive until all passed: a damaged bundle leaves the engine as it was (decision 0005).
  deps.report.info(`Verifying and loading ${bundle.images.length} image(s) from ${bundle.path}`);
  await deps.bundles.load(bundle, deps.signal, (imageId) => join(journal.workDir, bundleMetaName(imageId)));
  checkInterrupted(deps);
}

export interface ImportResult {
  plan: ImportPlan;
  installed: InstalledApp[];
  removed: InstalledApp[];
  changed: boolean;
}

export async function applyImport(deps: ImportDeps, prepared: PreparedImport): Promise<ImportResult> {
  return deps.store.transaction(`import ${prepared.source.path}`, async (tx) => {
    await recoverPending(deps, tx);
    const plan = planImport(tx.state, prepared.source.product, { restore: prepared.restore, exact: prepared.exact });
    if (!samePlan(plan, prepared.plan)) {
      throw new DamError(
        'CONFLICT',
        'The installed apps changed since the plan was made.',
        'Run the import again to see the new plan.',
      );
    }
    if (isEmptyPlan(plan)) return { plan, installed: [], removed: [], changed: false };
    const journal = await deps.journals.begin('import', `import ${prepared.source.path}`);
    return journaled(deps, tx, journal, async () => {
      // Refused here, before loadBundle: nothing is loaded and no script runs.
      const admission = prepared.signature
        ? await admitArchive(deps, journal, prepared.source.path, prepared.signature)
        : undefined;
      if (prepared.source.bundle && plan.install.length + plan.upgrade.length > 0)
        await loadBundle(deps, journal, prepared.source.bundle);
      // Get every image and check every app before the first script runs.
      let state = tx.state;
      const leaving = new Set([...plan.remove, ...plan.upgrade.map((u) => u.from)].map((a) => a.id));
      let future: State = { ...state, apps: state.apps.filter((a) => !leaving.has(a.id)) };
      const targets: Array<{ app: AcquiredApp; replaces?: InstalledApp }> = [];
      // Each staged /meta is moved into place by one app; a second app of the same image copies its own.
      const staged = new Set<string>();
      const wanted = [
        ...plan.upgrade.map((u) => ({ to: u.to, from: u.from as InstalledApp | undefined })),
        ...plan.install.map((to) => ({ to, from: undefined })),
      ];
      for (const [i, { to, from }] of wanted.entries()) {
        try {
          const ref = refOf(to, state);
          const fromBundle = prepared.source.bundle?.images.find((img) => img.tags.includes(ref));
          const stage =
            fromBundle && !staged.has(fromBundle.imageId) ? bundleMetaName(fromBundle.imageId) : `meta-${i}`;
          if (fromBundle) staged.add(fromBundle.imageId);
          const app = await acquire(
            deps,
            journal,
            state,
            ref,
            async (candidate) => {
              checkInstallable({ ...future, repos: candidate.state.repos }, candidate);
              await checkScripts(deps, candidate);
              await checkMetaAgainstIndex(deps, prepared.source.bundle, candidate);
            },
            stage,
          );
          state = app.state;
          await addServerTags(deps, journal, app);
          future = { ...future, apps: [...future.apps, installedRecord(app, -1 - i, '')] };
          targets.push(from ? { app, replaces: from } : { app });
        } catch (err) {
          throw inStep(to, 'check', err);
        }
      }
      const removed: InstalledApp[] = [];
      for (const app of plan.remove) {
        try {
          await uninstallStep(deps, journal, app, 'remove');
          await setAsideStep(deps, journal, app);
          removed.push(app);
        } catch (err) {
          throw inStep(app, 'uninstall', err);
        }
      }
      let nextId = state.nextAppId;
      const installed: InstalledApp[] = [];
      for (const { app, replaces } of targets) {
        const versions = replaces ? { oldVersion: replaces.version, newVersion: app.version } : {};
        try {
          if (replaces) {
            await uninstallStep(deps, journal, replaces, 'upgrade', versions);
            await setAsideStep(deps, journal, replaces);
          }
          installed.push(
            ownedBy(
              plan.product,
              await installStep(deps, journal, app, nextId++, replaces ? 'upgrade' : 'install', versions, replaces),
            ),
          );
        } catch (err) {
          throw inStep(app, replaces ? 'upgrade' : 'install', err);
        }
      }
      const gone = new Set([...removed, ...targets.flatMap((t) => (t.replaces ? [t.replaces] : []))].map((a) => a.id));
      const claimed = new Set(plan.claim.map((a) => a.id));
      const stay = state.apps
        .filter((a) => !gone.has(a.id))
        .map((a) => (claimed.has(a.id) ? ownedBy(plan.product, a) : a));
      await commit(deps, tx, journal, { ...state, apps: [...stay, ...installed], nextAppId: nextId });
      await rememberAccepted(deps, admission);
      return { plan, installed, removed, changed: true };
    });
  });
}

/** The app recorded as belonging to `product` (none: installed from an unnamed list, like by hand). */
function ownedBy(product: string | undefined, app: InstalledApp): InstalledApp {
  const rest = { ...app };
  delete rest.product;
  return product === undefined ? rest : { ...rest, product };
}
