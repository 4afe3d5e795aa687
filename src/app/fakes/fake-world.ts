// A whole host in memory for CPU-only tests of app/: the fake engine with a registry to pull from, the fake
// store and journals, scripts and folders, wired into LifecycleDeps as src/cli/lifecycle.ts wires the real
// adapters. `failAt` makes a named step of the transaction throw, as the crash tests make it SIGKILL.
import { LABEL_FAMILY, LABEL_MULTIVERSION, LABEL_SERVERS } from '../../core/app-labels.js';
import type { LifecycleDeps } from '../lifecycle-deps.js';
import { FakeEngine } from './fake-engine.js';
import { FakeFs, FakeScripts, fakeMeta } from './fake-host.js';
import { FakeJournals, FakeStore } from './fake-store.js';

export const REGISTRY = 'reg.test:5000';

export interface PublishOptions {
  family?: string;
  multiversion?: boolean;
  /** The scripts' text: `exit N` (see FakeScripts). */
  install?: string;
  uninstall?: string;
  /** DAM_APP_SERVERS: more registries to tag the image for. */
  servers?: string;
}

export interface FakeWorld {
  deps: LifecycleDeps;
  engine: FakeEngine;
  store: FakeStore;
  journals: FakeJournals;
  fs: FakeFs;
  scripts: FakeScripts;
  /** The step at which the next transaction throws (see faultPoint in lifecycle-deps.ts). */
  failAt: string | undefined;
  /** Puts `name:version` in the fake registry, with its /meta. Returns its full tag. */
  publish(name: string, version: string, options?: PublishOptions): string;
  /** Engine images and tags, the state, the host's files and the open journals, for before/after checks. */
  snapshot(): string;
}

export function fakeWorld(): FakeWorld {
  const fs = new FakeFs();
  const engine = new FakeEngine();
  const store = new FakeStore();
  const journals = new FakeJournals(fs);
  const scripts = new FakeScripts(fs);
  const metas = new Map<string, Record<string, string>>();
  const quiet = () => undefined;
  let images = 0;
  const world: FakeWorld = {
    engine,
    store,
    journals,
    fs,
    scripts,
    failAt: undefined,
    deps: {
      engine,
      store,
      journals,
      scripts,
      dirs: fs,
      meta: fakeMeta(fs, metas),
      archives: {
        verifyAndLoad: () => Promise.reject(new Error('the fake world has no archives')),
        save: () => Promise.reject(new Error('the fake world has no archives')),
      },
      registryAuth: async () => undefined,
      listTags: async () => [],
      report: { info: quiet, warn: quiet, success: quiet },
      progress: () => ({ listener: quiet, done: quiet }),
      signal: new AbortController().signal,
      appFolders: { dir: (id) => `/fake/state/apps/${id}`, meta: (id) => `/fake/state/apps/${id}/meta` },
      faults: {
        reached: (step) => {
          if (step === world.failAt) throw new Error(`fault injected at ${step}`);
        },
      },
    },
    publish: (name, version, o = {}) => {
      const tag = `${REGISTRY}/${name}:${version}`;
      const id = `sha256:${String(++images).padStart(64, '0')}`;
      const labels = {
        [LABEL_FAMILY]: o.family ?? name,
        [LABEL_MULTIVERSION]: o.multiversion ? 'true' : 'false',
        [LABEL_SERVERS]: o.servers ?? '',
      };
      engine.registry.set(tag, { id, labels });
      metas.set(id, {
        install: o.install ?? 'exit 0',
        uninstall: o.uninstall ?? 'exit 0',
        DESCRIPTION: `${name} ${version}`,
      });
      return tag;
    },
    snapshot: () =>
      JSON.stringify(
        { engine: engine.snapshot(), state: store.state, files: fs.snapshot(), journals: [...journals.saved.keys()] },
        null,
        1,
      ),
  };
  return world;
}
