// An in-memory Store and Journals for CPU-only tests of app/ (contract: fakes.contract.test.ts). What is
// "written" is deep-copied, as the real adapters serialize it, so a caller's later edits never leak in.
import { DamError } from '../../core/errors.js';
import { emptyCredentials, initialState, type Credentials, type State } from '../../core/state.js';
import { newJournal, type Effect, type Journal, type Operation, type SignatureNote } from '../../core/journal.js';
import type { Store, StoreTransaction, StoreUpdate } from '../../core/ports/store.js';
import type { ActiveJournal, Journals } from '../../core/ports/host.js';
import type { FakeFs } from './fake-host.js';
import { updateInTransaction } from '../../core/store-update.js';

const copy = <T>(value: T): T => structuredClone(value);

export class FakeStore implements Store {
  state: State = initialState();
  credentials: Credentials = emptyCredentials();
  private locked: string | undefined;

  async read(): Promise<State> {
    return copy(this.state);
  }

  async readCredentials(): Promise<Credentials> {
    return copy(this.credentials);
  }

  async transaction<T>(command: string, fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    if (this.locked !== undefined)
      throw new DamError('STATE_LOCKED', `The state is locked by 'dam ${this.locked}'.`, 'Wait for it to finish.');
    this.locked = command;
    try {
      const tx = {
        state: copy(this.state),
        credentials: copy(this.credentials),
        write: async (next: State, nextCredentials?: Credentials) => {
          this.state = copy(next);
          if (nextCredentials) this.credentials = copy(nextCredentials);
          tx.state = copy(next);
          if (nextCredentials) tx.credentials = copy(nextCredentials);
        },
      };
      return await fn(tx);
    } finally {
      this.locked = undefined;
    }
  }

  async update<T>(
    command: string,
    fn: (state: State, credentials: Credentials) => Promise<StoreUpdate<T>> | StoreUpdate<T>,
  ): Promise<T> {
    return updateInTransaction(this, command, fn);
  }
}

/** Journals kept as saved copies; the work folder lives in the fake file system, removed with the journal. */
export class FakeJournals implements Journals {
  /** What is "on disk": the last saved copy of each open journal, by id. */
  readonly saved = new Map<string, Journal>();
  private readonly fs: FakeFs | undefined;
  private count = 0;

  constructor(fs?: FakeFs) {
    this.fs = fs;
  }

  private open(journal: Journal): ActiveJournal {
    const save = async () => {
      this.saved.set(journal.id, copy(journal));
    };
    const workDir = `/fake/journal/${journal.id}`;
    return {
      journal,
      workDir,
      intend: async (effect: Effect) => {
        const entry = { effect, done: false };
        journal.entries.push(entry);
        await save();
        return async () => {
          entry.done = true;
          await save();
        };
      },
      intendAll: async (effects: readonly Effect[]) => {
        for (const effect of effects) journal.entries.push({ effect, done: false });
        await save();
      },
      noteSignature: async (note: SignatureNote) => {
        journal.signatures = [...(journal.signatures ?? []), note];
        await save();
      },
      committing: async () => {
        journal.phase = 'committing';
        await save();
      },
      close: async () => {
        await this.fs?.remove(workDir);
        this.saved.delete(journal.id);
      },
    };
  }

  async begin(operation: Operation, summary: string): Promise<ActiveJournal> {
    const id = `20260101T000000-${operation}-${String(this.count++).padStart(6, '0')}`;
    const open = this.open(newJournal(id, operation, summary, new Date(), process.pid));
    this.saved.set(id, copy(open.journal));
    this.fs?.emptyDirs.add(open.workDir);
    return open;
  }

  async pending(): Promise<ActiveJournal[]> {
    return [...this.saved.keys()].sort().map((id) => this.open(copy(this.saved.get(id) as Journal)));
  }
}
