import type { Credentials, State } from '../state.js';

export interface Store {
  /**
   * A consistent snapshot of the state, without taking the lock. On the first run it creates the state
   * (a DAM 1.x database is taken over only by `dam migrate`). Throws STATE_CORRUPT or STATE_TOO_NEW.
   */
  read(): Promise<State>;
  readCredentials(): Promise<Credentials>;
  /**
   * Runs `fn` holding the write lock (waiting a few seconds for another writer, then STATE_LOCKED) with the
   * current state; the state and credentials it returns are written atomically and durably before the lock
   * is released. If `fn` throws, nothing is written.
   */
  /**
   * Holds the write lock for the whole of `fn`, which may write the state several times (an install writes it
   * once at its commit point). Waits a few seconds for another writer, then STATE_LOCKED naming it.
   */
  transaction<T>(command: string, fn: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  update<T>(
    command: string,
    fn: (state: State, credentials: Credentials) => Promise<StoreUpdate<T>> | StoreUpdate<T>,
  ): Promise<T>;
}

/** What a long operation sees while it holds the write lock. */
export interface StoreTransaction {
  readonly state: State;
  readonly credentials: Credentials;
  /** Writes the state (and credentials, when given) atomically and durably; the lock stays held. */
  write(state: State, credentials?: Credentials): Promise<void>;
}

export interface StoreUpdate<T> {
  state?: State;
  credentials?: Credentials;
  result: T;
}

/**
 * The state directory, as its one owner (src/adapters/store/state-dir.ts) hands it out: what callers need
 * of it, never its file names. Paths appear only for messages and reports.
 */
export interface StateDirectory {
  store(): Store;
  /** A store that says nothing of a DAM 1.x database on first run (for `dam migrate`, which takes it over). */
  storeWithoutNotice(): Store;
  /** The state as written, or undefined when there is none yet; never creates it. */
  peekState(): Promise<State | undefined>;
  /** The journal names of operations that did not finish, oldest first. */
  pendingOperations(): Promise<string[]>;
  /** The app's copy of /meta, where its scripts run. */
  appMetaDir(appId: number): string;
  /** Permission bits of the directory, or undefined when it does not exist yet. */
  mode(): Promise<number | undefined>;
  /** Where things are, for messages and reports only: never to be joined to. */
  describe(): { dir: string; stateFile: string; journalDir: string };
}
