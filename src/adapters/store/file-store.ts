// The state directory: state.json and credentials.json (0600) in a 0700 directory, written atomically
// under a lock file. See docs/formats.md.
import { mkdir, chmod } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { DamError, errnoCode } from '../../core/errors.js';
import { importLegacyDb } from '../../core/legacy-db.js';
import { emptyCredentials, initialState, type Credentials, type State } from '../../core/state.js';
import { parseCredentials, parseState, serializeState } from '../../core/state-format.js';
import type { Store, StoreTransaction, StoreUpdate } from '../../core/ports/store.js';
import { acquireLock } from './lock.js';
import { writeFileAtomic } from './atomic.js';
import { readText } from './read-text.js';
import { readLegacyFiles } from './legacy-files.js';
import { updateInTransaction } from '../../core/store-update.js';

/** The files a FileStore uses; given by the state directory (state-dir.ts), which owns the names. */
export interface StoreFiles {
  /** The state directory itself, made 0700 before the first write. */
  dir: string;
  state: string;
  credentials: string;
  lock: string;
}

export interface FileStoreOptions {
  files: StoreFiles;
  /** Where a DAM 1.x database may be (its `Repos` and `Apps` files). */
  legacyDir?: string;
  lockWaitMs?: number;
  /** Told about first-run events, such as a 1.x database waiting for `dam migrate`. */
  notice?: (message: string) => void;
}

export function defaultHome(env: NodeJS.ProcessEnv, uid: number | undefined): string {
  if (env.DAM_HOME) return env.DAM_HOME;
  if (uid === 0) return '/var/lib/dam';
  const stateHome = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(stateHome, 'dam');
}

export function defaultLegacyDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'dam');
}

/**
 * Like ssh's StrictModes: root does not use a state directory (or, before it exists, a parent folder) that
 * another user owns, since that user could then change what root installs, trusts or runs.
 */
export function checkHomeOwner(home: string, uid: number | undefined): void {
  if (uid !== 0) return;
  for (const dir of [home, dirname(home)]) {
    let owner: number;
    try {
      owner = statSync(dir).uid;
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') continue;
      throw err;
    }
    if (owner === 0) return;
    throw new DamError(
      'REFUSED',
      `The state directory ${home} ${dir === home ? 'is' : 'would be made in a folder'} owned by user ${owner}, not by root: DAM run as root does not use state another user controls.`,
      `Use a state directory of root's own (--home DIR, DAM_HOME, default /var/lib/dam), or if ${dir} is meant for root: chown -R root: ${dir}`,
    );
  }
}

export class FileStore implements Store {
  private readonly paths: StoreFiles;
  private readonly options: FileStoreOptions;

  constructor(options: FileStoreOptions) {
    this.options = options;
    this.paths = options.files;
    checkHomeOwner(this.paths.dir, process.getuid?.());
  }

  async read(): Promise<State> {
    const text = await readText(this.paths.state);
    if (text !== undefined) return parseState(text, this.paths.state);
    return this.update('init', (state) => ({ result: state }));
  }

  async readCredentials(): Promise<Credentials> {
    const text = await readText(this.paths.credentials);
    return text === undefined ? emptyCredentials() : parseCredentials(text, this.paths.credentials);
  }

  async update<T>(
    command: string,
    fn: (state: State, credentials: Credentials) => Promise<StoreUpdate<T>> | StoreUpdate<T>,
  ): Promise<T> {
    return updateInTransaction(this, command, fn);
  }

  async transaction<T>(command: string, fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    await mkdir(this.paths.dir, { recursive: true, mode: 0o700 });
    await chmod(this.paths.dir, 0o700);
    const lock = await acquireLock(this.paths.lock, command, this.options.lockWaitMs ?? 5000);
    try {
      const existing = await readText(this.paths.state);
      let state: State;
      let credentials: Credentials;
      if (existing === undefined) {
        ({ state, credentials } = await this.firstRun());
        await this.writeCredentials(credentials);
        await writeFileAtomic(this.paths.state, serializeState(state));
      } else {
        state = parseState(existing, this.paths.state);
        credentials = await this.readCredentials();
      }
      const tx = {
        state,
        credentials,
        write: async (next: State, nextCredentials?: Credentials) => {
          if (nextCredentials) await this.writeCredentials(nextCredentials);
          await writeFileAtomic(this.paths.state, serializeState(next));
          tx.state = next;
          if (nextCredentials) tx.credentials = nextCredentials;
        },
      };
      return await fn(tx);
    } finally {
      await lock.release();
    }
  }

  private async writeCredentials(credentials: Credentials): Promise<void> {
    await writeFileAtomic(this.paths.credentials, `${JSON.stringify(credentials, null, 2)}\n`);
  }

  /**
   * A fresh state. A DAM 1.x database is not taken over here, since that moves 1.x's Apps file aside: the
   * user is told about it, and `dam migrate` takes it over, now or later.
   */
  private async firstRun(): Promise<{ state: State; credentials: Credentials }> {
    const dir = this.options.legacyDir;
    const notice = this.options.notice;
    if (dir && notice) {
      // An unreadable 1.x folder is not this run's business: `dam migrate` reports it.
      const files = await readLegacyFiles(dir).catch((err: unknown) => {
        if (['EACCES', 'EISDIR', 'ENOTDIR'].includes(errnoCode(err) ?? '')) return { apps: undefined };
        throw err;
      });
      const apps = files.apps === undefined ? 0 : importLegacyDb('', files.apps).state.apps.length;
      if (apps > 0)
        notice(
          `A DAM 1.x database with ${apps} installed app(s) is at ${dir}: run 'dam migrate' to take it over (dam migrate --dry-run shows the plan).`,
        );
    }
    return { state: initialState(), credentials: emptyCredentials() };
  }
}
