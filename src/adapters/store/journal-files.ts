// Journal files under <state>/journal/<id>.json, each rewritten atomically as effects are recorded, plus a
// work directory <id>/ for staging (meta copies in transit). Used only while the state lock is held.
import { readdirSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  newJournal,
  parseJournal,
  type Effect,
  type Journal,
  type Operation,
  type SignatureNote,
} from '../../core/journal.js';
import { errnoCode } from '../../core/errors.js';
import { writeFileAtomic } from './atomic.js';

export class OpenJournal {
  readonly journal: Journal;
  readonly file: string;
  /** A scratch directory for this operation, removed with the journal. */
  readonly workDir: string;

  constructor(journal: Journal, dir: string) {
    this.journal = journal;
    this.file = join(dir, `${journal.id}.json`);
    this.workDir = join(dir, journal.id);
  }

  async save(): Promise<void> {
    await writeFileAtomic(this.file, `${JSON.stringify(this.journal, null, 2)}\n`);
  }

  /** Records the intent to make an effect; returns a function that marks it done. */
  async intend(effect: Effect): Promise<() => Promise<void>> {
    const entry = { effect, done: false };
    this.journal.entries.push(entry);
    await this.save();
    return async () => {
      entry.done = true;
      await this.save();
    };
  }

  async intendAll(effects: readonly Effect[]): Promise<void> {
    for (const effect of effects) this.journal.entries.push({ effect, done: false });
    await this.save();
  }

  async noteSignature(note: SignatureNote): Promise<void> {
    this.journal.signatures = [...(this.journal.signatures ?? []), note];
    await this.save();
  }

  async committing(): Promise<void> {
    this.journal.phase = 'committing';
    await this.save();
  }

  async close(): Promise<void> {
    await rm(this.workDir, { recursive: true, force: true });
    await rm(this.file, { force: true });
  }
}

export class JournalFiles {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  async begin(operation: Operation, summary: string): Promise<OpenJournal> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const id = `${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${operation}-${randomBytes(3).toString('hex')}`;
    const open = new OpenJournal(newJournal(id, operation, summary, new Date(), process.pid), this.dir);
    await mkdir(open.workDir, { recursive: true, mode: 0o700 });
    await open.save();
    return open;
  }

  /** The file names of the journals left by operations that did not finish, oldest first. */
  async pendingNames(): Promise<string[]> {
    let names: string[];
    try {
      // Synchronous, as readText: a folder of a few names, and no thread pool started for it.
      names = readdirSync(this.dir);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return [];
      throw err;
    }
    return names.filter((n) => n.endsWith('.json')).sort();
  }

  /** Journals left by operations that did not finish, oldest first. */
  async pending(): Promise<OpenJournal[]> {
    const out: OpenJournal[] = [];
    for (const name of await this.pendingNames()) {
      const file = join(this.dir, name);
      out.push(new OpenJournal(parseJournal(await readFile(file, 'utf8'), file), this.dir));
    }
    return out;
  }
}
