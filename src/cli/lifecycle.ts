// The composition root of the app lifecycle: wires the adapters into the ports the use cases need.
import { resolve } from 'node:path';
import type { LifecycleDeps } from '../app/lifecycle-deps.js';
import type { Repo } from '../core/state.js';
import type { RegistryAuth } from '../core/ports/engine.js';
import { usageError } from '../core/errors.js';
import { hostDirs } from '../adapters/fs/host-dirs.js';
import { copyMetaFromImage } from '../adapters/meta/copy-meta.js';
import { engineArchives } from '../adapters/archive/load-archive.js';
import { engineFreeBytes } from '../adapters/archive/engine-space.js';
import { runScript } from '../adapters/scripts/run-script.js';
import { metaDigests } from '../adapters/fs/meta-digests.js';
import { scriptSettings } from '../core/script-env.js';
import { registryAuthFor } from '../adapters/registry/engine-auth.js';
import { fileArchiveTrust } from '../adapters/signing/archive-trust.js';
import { killAtStep } from '../adapters/process/fault-kill.js';
import type { Context } from './context.js';
import { progressRenderer } from './progress.js';
import { withFileMeter } from './file-meter.js';
import { appLookup } from './app-lookup.js';

export interface LifecycleFlags {
  timeout?: unknown;
  interactive?: unknown;
  offline?: unknown;
  insecureAllowUnsigned?: unknown;
  allowDowngrade?: unknown;
  signature?: unknown;
}

function timeoutMs(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw usageError(`--timeout takes a number of seconds, not '${String(value)}'.`, 'Example: --timeout 300');
  return seconds * 1000;
}

export async function lifecycleDeps(ctx: Context, flags: LifecycleFlags = {}): Promise<LifecycleDeps> {
  const engine = await ctx.engine();
  const stateDir = ctx.stateDir();
  const store = stateDir.store();
  const credentials = await store.readCredentials();
  const log = ctx.log;
  const scriptLog = (line: string) => log.raw(`  | ${line}\n`);
  return {
    engine,
    store,
    journals: await stateDir.journals(),
    dirs: hostDirs,
    scripts: { run: async (run) => { await runScript({ ...run, onLine: scriptLog }); }, settings: () => scriptSettings(process.env) },
    meta: { fromImage: async (ref, dest) => { await copyMetaFromImage(engine, ref, dest); }, digests: metaDigests },
    archives: engineArchives(engine, { progress: () => progressRenderer(log), freeBytes: () => engineFreeBytes(engine, ctx.env.DOCKER_HOST) }),
    registryAuth: (repo: Repo): Promise<RegistryAuth | undefined> => registryAuthFor(repo, credentials, ctx.env),
    listTags: async (repo: Repo, path: string): Promise<string[]> => {
      const { createRegistries } = await import('../adapters/registry/registries.js');
      const registries = createRegistries(ctx.env);
      try {
        return await registries.catalog({ repo, password: credentials.passwords[String(repo.id)], signal: ctx.signal }).listTags(path);
      } finally {
        await registries.close();
      }
    },
    lookupApp: appLookup(ctx, credentials.passwords),
    progress: () => progressRenderer(log),
    report: { info: (m) => log.info(m), warn: (m) => log.warn(m), success: (m) => log.success(m), whileReading: (label, path, work) => withFileMeter({ log, env: ctx.env }, label, path, work) },
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
