// `Store.update` in terms of `Store.transaction`, shared by every Store (the file store and the in-memory
// fake), so that they cannot differ on when an update writes. Pure.
import type { Credentials, State } from './state.js';
import type { Store, StoreUpdate } from './ports/store.js';

/** Runs `fn` in one transaction and writes only when it returns a new state or new credentials. */
export function updateInTransaction<T>(
  store: Pick<Store, 'transaction'>,
  command: string,
  fn: (state: State, credentials: Credentials) => Promise<StoreUpdate<T>> | StoreUpdate<T>,
): Promise<T> {
  return store.transaction(command, async (tx) => {
    const out = await fn(tx.state, tx.credentials);
    if (out.state || out.credentials) await tx.write(out.state ?? tx.state, out.credentials);
    return out.result;
  });
}
