// The state directory (docs/formats.md): the one place that knows its layout. Callers ask it for what they
// need (the store, the journals, the keys, the trust policy, the history, an app's meta folder) and never
// join a file name to its path themselves, so that the layout, which DAM 1.x import and `dam migrate`
// depend on, is written down once. The journal, key and trust code is loaded on first use, so that a
// command that needs none of it (`dam list`, `dam --version`) starts without parsing it.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode } from '../../core/errors.js';
import { parseState } from '../../core/state-format.js';
import type { State } from '../../core/state.js';
import type { StateDirectory, Store } from '../../core/ports/store.js';
import type { HistoryEntry } from '../../core/history.js';
import type { Keyring, TrustStore } from '../../core/ports/signing.js';
import { FileStore, type FileStoreOptions } from './file-store.js';
import type { JournalFiles } from './journal-files.js';
import { appendHistory, HISTORY_MAX_BYTES, readHistory } from './history-file.js';
import { readText } from './read-text.js';

export type StateDirOptions = Omit<FileStoreOptions, 'files'>;

export interface HistoryLog {
  append(entry: HistoryEntry, maxBytes?: number): Promise<void>;
  /** Every entry kept, oldest first. */
  read(): Promise<HistoryEntry[]>;
}

export class StateDir implements StateDirectory {
  private readonly dir: string;
  private readonly options: StateDirOptions;
  private fileStore: FileStore | undefined;

  /** Nothing is read or made until a method is called. */
  constructor(dir: string, options: StateDirOptions = {}) {
    this.dir = dir;
    this.options = options;
  }

  private file(name: string): string {
    return join(this.dir, name);
  }

  /** state.json and credentials.json under the `lock` file (checked for root's ownership when first asked). */
  store(): Store {
    return (this.fileStore ??= this.newStore(this.options));
  }

  /** A store that says nothing of a DAM 1.x database on first run: for `dam migrate`, which takes it over. */
  storeWithoutNotice(): Store {
    return this.newStore({ ...this.options, notice: undefined });
  }

  private newStore(options: StateDirOptions): FileStore {
    const files = {
      dir: this.dir,
      state: this.file('state.json'),
      credentials: this.file('credentials.json'),
      lock: this.file('lock'),
    };
    return new FileStore({ ...options, files });
  }

  /** The state as written, or undefined when there is none yet; never creates it (for shell completion). */
  async peekState(): Promise<State | undefined> {
    const file = this.file('state.json');
    try {
      const text = await readText(file);
      return text === undefined ? undefined : parseState(text, file);
    } catch (err) {
      if (errnoCode(err) === 'ENOTDIR') return undefined;
      throw err;
    }
  }

  /** The journals of operations in progress: `journal/<id>.json` and their work folders `journal/<id>/`. */
  async journals(): Promise<JournalFiles> {
    const { JournalFiles } = await import('./journal-files.js');
    return new JournalFiles(this.file('journal'));
  }

  /** The journal file names of operations that did not finish, oldest first; none when there is no journal. */
  async pendingOperations(): Promise<string[]> {
    return (await this.journals()).pendingNames();
  }

  /** The folder DAM keeps for installed app `id` (`apps/<id>`), as dpkg keeps /var/lib/dpkg/info. */
  appDir(appId: number): string {
    return join(this.file('apps'), String(appId));
  }

  /** The app's copy of /meta, where its scripts run. */
  appMetaDir(appId: number): string {
    return join(this.appDir(appId), 'meta');
  }

  /** The signing keys in `keys/`. */
  async keys(): Promise<Keyring> {
    const { fileKeyring } = await import('../signing/file-keyring.js');
    return fileKeyring({ parent: this.dir, dir: this.file('keys') });
  }

  /** The trust policy in `trust.json`, changed under `trust.lock`. */
  async trust(): Promise<TrustStore> {
    const { trustStore } = await import('../signing/trust-file.js');
    return trustStore({ dir: this.dir, file: this.file('trust.json'), lock: this.file('trust.lock') });
  }

  /** The operations log `history.jsonl`, rotated to `history.jsonl.1`, appended under `history.lock`. */
  history(): HistoryLog {
    const paths = {
      current: this.file('history.jsonl'),
      rotated: this.file('history.jsonl.1'),
      lock: this.file('history.lock'),
    };
    return {
      append: (entry, maxBytes = HISTORY_MAX_BYTES) => appendHistory(paths, entry, maxBytes),
      read: () => readHistory(paths),
    };
  }

  /** Permission bits of the directory, or undefined when it does not exist yet. */
  async mode(): Promise<number | undefined> {
    try {
      return (await stat(this.dir)).mode & 0o7777;
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** Where things are, for messages and reports only: never to be joined to. */
  describe(): { dir: string; stateFile: string; journalDir: string } {
    return { dir: this.dir, stateFile: this.file('state.json'), journalDir: this.file('journal') };
  }
}
