// The composition root: the one place that builds adapters and hands commands and use cases their ports.
// Adapters load on first use (dynamic imports become chunks of the bundle), so start-up stays small.
import { resolve } from 'node:path';
import type { LifecycleDeps } from '../app/lifecycle-deps.js';
import type { ImportDeps } from '../app/import.js';
import type { Engine } from '../core/ports/engine.js';
import type { Registries } from '../core/ports/registry.js';
import type { BundleWriter } from '../core/ports/bundle-write.js';
import type { Repo } from '../core/state.js';
import type { RegistryAuth } from '../core/ports/engine.js';
import { errnoCode, usageError } from '../core/errors.js';
import { scriptSettings } from '../core/script-env.js';
import { defaultLegacyDir } from '../adapters/store/file-store.js';
import { StateDir } from '../adapters/store/state-dir.js';
import { filePosition } from '../adapters/fs/read-position.js';

// What start-up needs before a context exists: where the state lives, whether this executable carries a
// bundle (src/cli/self-argv.ts), and which engine DAM would use (src/cli/about.ts).
export { defaultHome } from '../adapters/store/file-store.js';
export { embeddedBundle } from '../adapters/bundle/self-contained.js';
export const resolveEngine = async (env: NodeJS.ProcessEnv) =>
  (await import('../adapters/docker/docker-context.js')).resolveEngine(env);

/** Registry clients of their own (not the context's shared ones), for a caller that closes them. */
const newRegistries = (env: NodeJS.ProcessEnv) => async () =>
  (await import('../adapters/registry/registries.js')).createRegistries(env);

import type { Context, ContextInit, LifecycleFlags } from './context.js';

/** The adapters and helpers of the lifecycle commands, loaded only when one runs. */
const lifecycleModules = () =>
  Promise.all([
    import('../adapters/fs/host-dirs.js'),
    import('../adapters/meta/copy-meta.js'),
    import('../adapters/scripts/run-script.js'),
    import('../adapters/fs/meta-digests.js'),
    import('../adapters/registry/engine-auth.js'),
    import('../adapters/signing/archive-trust.js'),
    import('../adapters/process/fault-kill.js'),
    import('./progress.js'),
    import('./file-meter.js'),
    import('./app-lookup.js'),
  ]);

function timeoutMs(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw usageError(`--timeout takes a number of seconds, not '${String(value)}'.`, 'Example: --timeout 300');
  return seconds * 1000;
}

async function lifecycleDeps(ctx: Context, stateDir: StateDir, flags: LifecycleFlags = {}): Promise<LifecycleDeps> {
  const [
    { hostDirs },
    { copyMetaFromImage },
    { runScript },
    { metaDigests },
    { registryAuthFor },
    { fileArchiveTrust },
    { killAtStep },
    { progressRenderer },
    { withFileMeter },
    { appLookup },
  ] = await lifecycleModules();
  const engine = await ctx.engine();
  const store = stateDir.store();
  const credentials = await store.readCredentials();
  const log = ctx.log;
  const scriptLog = (line: string) => log.raw(`  | ${line}\n`);
  return {
    engine,
    store,
    journals: await stateDir.journals(),
    dirs: hostDirs,
    scripts: {
      run: async (run) => {
        await runScript({ ...run, onLine: scriptLog });
      },
      settings: () => scriptSettings(process.env),
    },
    meta: {
      fromImage: async (ref, dest) => {
        await copyMetaFromImage(engine, ref, dest);
      },
      digests: metaDigests,
    },
    archives: await ctx.archives(),
    registryAuth: (repo: Repo): Promise<RegistryAuth | undefined> => registryAuthFor(repo, credentials, ctx.env),
    listTags: async (repo: Repo, path: string): Promise<string[]> => {
      const registries = await newRegistries(ctx.env)();
      try {
        return await registries
          .catalog({ repo, password: credentials.passwords[String(repo.id)], signal: ctx.signal })
          .listTags(path);
      } finally {
        await registries.close();
      }
    },
    lookupApp: appLookup(ctx, credentials.passwords, newRegistries(ctx.env)),
    progress: () => progressRenderer(log),
    report: {
      info: (m) => log.info(m),
      warn: (m) => log.warn(m),
      success: (m) => log.success(m),
      whileReading: (label, path, work) => withFileMeter(ctx, label, path, work),
    },
    signal: ctx.signal,
    appFolders: { dir: (id) => stateDir.appDir(id), meta: (id) => stateDir.appMetaDir(id) },
    scriptTimeoutMs: timeoutMs(flags.timeout),
    interactive: flags.interactive === true,
    offline: flags.offline === true,
    trust: fileArchiveTrust({
      trust: await stateDir.trust(),
      insecureAllowUnsigned: flags.insecureAllowUnsigned === true,
      allowDowngrade: flags.allowDowngrade === true,
      ...(typeof flags.signature === 'string' ? { signature: resolve(ctx.cwd, flags.signature) } : {}),
      signal: ctx.signal,
    }),
    faults: killAtStep(ctx.env.DAM_FAULT_KILL_AT),
  };
}

async function importDeps(ctx: Context, stateDir: StateDir, flags: LifecycleFlags = {}): Promise<ImportDeps> {
  const base = await lifecycleDeps(ctx, stateDir, flags);
  const [{ createBundles }, { missingLayers }, { metaContent }, { engineFreeBytes }] = await Promise.all([
    import('../adapters/bundle/tar-bundles.js'),
    import('../adapters/bundle/engine-layers.js'),
    import('../adapters/fs/meta-digests.js'),
    import('../adapters/archive/engine-space.js'),
  ]);
  // Measured once per import: the plan's space check and the load's unpack bound use the same figure.
  let free: Promise<number | undefined> | undefined;
  const freeBytes = () => (free ??= engineFreeBytes(base.engine, ctx.env.DOCKER_HOST));
  return {
    ...base,
    bundles: createBundles(base.engine, { freeBytes }),
    missingLayers: (c) => missingLayers(c, base.engine),
    engineFreeBytes: freeBytes,
    metaContent,
  };
}

/** The write side of bundles, its adapters loaded when `dam export` runs. */
async function bundleWriter(): Promise<BundleWriter> {
  const [
    { writeBundle },
    { writeDam1Export },
    { openStaged, stageEngineImages },
    { writeOciBundle },
    { recognizeExport },
    { findDamExecutable, writeSelfContainedFrom },
  ] = await Promise.all([
    import('../adapters/bundle/write-bundle.js'),
    import('../adapters/bundle/write-dam1-export.js'),
    import('../adapters/bundle/oci-engine.js'),
    import('../adapters/bundle/oci-write.js'),
    import('../adapters/bundle/recognize.js'),
    import('../adapters/bundle/write-self-contained.js'),
  ]);
  return {
    recognize: recognizeExport,
    write: writeBundle,
    writeDam1: writeDam1Export,
    stage: async (...args) => {
      const staged = await stageEngineImages(...args);
      return { ...staged, openLayer: openStaged(staged) };
    },
    writeFormat2: writeOciBundle,
    findExecutable: findDamExecutable,
    selfContained: writeSelfContainedFrom,
  };
}

export function makeContext(init: ContextInit): Context {
  let stateDir: StateDir | undefined;
  let engine: Engine | undefined;
  let registries: Registries | undefined;
  const dir = () =>
    (stateDir ??= new StateDir(init.home, { legacyDir: defaultLegacyDir(init.env), notice: (m) => init.log.info(m) }));
  const ports: Omit<Context, keyof ContextInit> = {
    stateDir: dir,
    store: () => dir().store(),
    engine: async () => {
      const { createDockerEngine } = await import('../adapters/docker/engine.js');
      return (engine ??= createDockerEngine(init.env));
    },
    registries: async () => {
      const { createRegistries } = await import('../adapters/registry/registries.js');
      return (registries ??= createRegistries(init.env));
    },
    archives: async () => {
      const [{ engineArchives }, { engineFreeBytes }, { progressRenderer }] = await Promise.all([
        import('../adapters/archive/load-archive.js'),
        import('../adapters/archive/engine-space.js'),
        import('./progress.js'),
      ]);
      const engine = await ctx.engine();
      return engineArchives(engine, {
        progress: () => progressRenderer(init.log),
        freeBytes: () => engineFreeBytes(engine, init.env.DOCKER_HOST),
      });
    },
    outputs: async () => {
      const { checkOutputLink, writeFileAtomic } = await import('../adapters/store/atomic.js');
      return { checkLink: checkOutputLink, writeAtomic: writeFileAtomic };
    },
    engineLayers: async () =>
      (await import('../adapters/bundle/engine-layers.js')).engineImageLayers(await ctx.engine()),
    registryAuth: async (repo) =>
      (await import('../adapters/registry/engine-auth.js')).registryAuthFor(
        repo,
        await dir().store().readCredentials(),
        init.env,
      ),
    history: async () => dir().history(),
    filePosition,
    projects: async () => {
      const [{ readProject }, { packContext }, { projectSubject }, { writeProject }] = await Promise.all([
        import('../adapters/fs/project.js'),
        import('../adapters/fs/build-context.js'),
        import('../adapters/lint/read-subject.js'),
        import('../adapters/fs/write-project.js'),
      ]);
      return { read: readProject, pack: packContext, lintSubject: projectSubject, write: writeProject };
    },
    lintSubjects: async () => {
      const { classify, readArchiveSubject, readImageSubject, readProjectSubject } =
        await import('../adapters/lint/read-subject.js');
      return {
        classify,
        project: readProjectSubject,
        archive: readArchiveSubject,
        image: async (ref) => readImageSubject(await ctx.engine(), ref, {}),
      };
    },
    metaDigests: async (dir) => {
      const { metaDigests } = await import('../adapters/fs/meta-digests.js');
      try {
        return await metaDigests(dir);
      } catch (err) {
        if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return undefined;
        throw err;
      }
    },
    migration: async () => {
      const { markTakenOver, readLegacyFolder } = await import('../adapters/store/legacy-files.js');
      return {
        store: dir().storeWithoutNotice(),
        legacy: { read: readLegacyFolder, markTakenOver },
        defaultDir: defaultLegacyDir(init.env),
      };
    },
    lifecycle: (flags) => lifecycleDeps(ctx, dir(), flags),
    importer: (flags) => importDeps(ctx, dir(), flags),
    bundleWriter,
    bundlePushing: async () => {
      const { openPushableBundle, pushBundle } = await import('../adapters/bundle/push-bundle.js');
      return { open: openPushableBundle, push: pushBundle };
    },
    archiveFacts: async () => {
      const [{ measureFile }, { readDetachedSignature }, { embeddedBundle }, { createBundles }] = await Promise.all([
        import('../adapters/signing/subject.js'),
        import('../adapters/signing/archive-trust.js'),
        import('../adapters/bundle/self-contained.js'),
        import('../adapters/bundle/tar-bundles.js'),
      ]);
      return {
        measure: (path, signal) => measureFile(path, { withTag: true, ...(signal ? { signal } : {}) }),
        detachedSignature: readDetachedSignature,
        selfContained: (path) => embeddedBundle(path) !== undefined,
        openBundle: async (path, signal) => createBundles(await ctx.engine()).open(path, signal),
      };
    },
    inputFiles: async () => (await import('../adapters/fs/input-files.js')).inputFiles,
    metaScanner: async () => (await import('../adapters/fs/meta-listing.js')).scanMetaTar,
    keyring: () => dir().keys(),
    trustStore: () => dir().trust(),
  };
  // The init's properties copied as descriptors, so that a getter stays one (run.ts opens stdin only when a
  // command reads it); without `home`: only the state directory's owner knows where it is.
  const { home: _home, ...given } = Object.getOwnPropertyDescriptors(init);
  const ctx = Object.defineProperties(ports, given) as Context;
  return ctx;
}
