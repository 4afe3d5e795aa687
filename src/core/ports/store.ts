import type { Credentials, State } from '../state.js';

export interface StorePaths {
  home: string;
  state: string;
  credentials: string;
  lock: string;
  /** Per-app copies of /meta, as dpkg keeps /var/lib/dpkg/info. */
  apps: string;
  journal: string;
}

export interface Store {
  readonly paths: StorePaths;
  /**
   * A consistent snapshot of the state, without taking the lock. On the first run it creates the state,
   * importing a DAM 1.x database when one exists. Throws STATE_CORRUPT or STATE_TOO_NEW.
   */
  read(): Promise<State>;
  readCredentials(): Promise<Credentials>;
  /**
   * Runs `fn` holding the write lock (waiting a few seconds for another writer, then STATE_LOCKED) with the
   * current state; the state and credentials it returns are written atomically and durably before the lock
   * is released. If `fn` throws, nothing is written.
   */
  update<T>(command: string, fn: (state: State, credentials: Credentials) => Promise<StoreUpdate<T>> | StoreUpdate<T>): Promise<T>;
}

export interface StoreUpdate<T> {
  state?: State;
  credentials?: Credentials;
  result: T;
}
