// Everything a command needs from the outside world, built once per run. Adapters are created on first
// use, so a command that does not touch the engine never loads its client.
import type { Readable } from 'node:stream';
import type { Store } from '../core/ports/store.js';
import type { Engine } from '../core/ports/engine.js';
import type { Registries } from '../core/ports/registry.js';
import { defaultLegacyDir } from '../adapters/store/file-store.js';
import { StateDir } from '../adapters/store/state-dir.js';
import type { Logger, Style } from './log.js';

export interface ContextInit {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The state directory, handed to its owner (src/adapters/store/state-dir.ts) and to nobody else. */
  home: string;
  json: boolean;
  color: boolean;
  style: Style;
  log: Logger;
  stdin: Readable & { isTTY?: boolean };
  /** Aborted on Ctrl-C: long operations stop at the next safe point. */
  signal: AbortSignal;
}

/** Without `home`: the state directory is reached through `stateDir()`, which alone knows its layout. */
export interface Context extends Omit<ContextInit, 'home'> {
  /** The state directory's owner: the store, journals, keys, trust policy, history and app folders. */
  stateDir(): StateDir;
  store(): Store;
  /** The Docker engine client, loaded on first use (DOCKER_HOST honoured, API version negotiated). */
  engine(): Promise<Engine>;
  /** Registry clients, loaded on first use; they share connections and tokens. The caller closes them. */
  registries(): Promise<Registries>;
}

export function makeContext(init: ContextInit): Context {
  let stateDir: StateDir | undefined;
  let engine: Engine | undefined;
  let registries: Registries | undefined;
  const dir = () => (stateDir ??= new StateDir(init.home, { legacyDir: defaultLegacyDir(init.env), notice: (m) => init.log.info(m) }));
  const adapters = {
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
  };
  // Copied as descriptors, so that a getter stays one: run.ts opens stdin only when a command reads it.
  // Without `home`: only the state directory's owner knows where it is.
  const { home: _home, ...rest } = Object.getOwnPropertyDescriptors(init);
  return Object.defineProperties(adapters, rest) as Context;
}
