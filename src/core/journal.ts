// The journal of an operation in progress. Each effect on the host, the engine or the state is recorded
// before it is made (intent), then marked done; rollback undoes the recorded effects in reverse order.
// Undo steps are idempotent, so an effect whose intent was written but which never happened is safe to undo.
import { fieldReader } from './json-fields.js';
import { DamError } from './errors.js';

export const JOURNAL_FORMAT = 1;

/** What a script needs to run again during rollback or recovery. */
export interface ScriptTarget {
  name: string;
  version: string;
  tag: string;
  family: string;
  /** The directory holding this app's copy of /meta. */
  metaDir: string;
  /** The settings recorded at install (InstalledApp.scriptEnv), given to the script again (optional in format 1). */
  settings?: Record<string, string>;
}

export type Effect =
  /** `ref` was pointed at `target`; before, it pointed at `previous` (an image id) or did not exist. */
  | { kind: 'tag'; ref: string; target: string; previous: string | null }
  /** An image was loaded or pulled; `existedBefore` says whether the engine had it already. */
  | { kind: 'image'; imageId: string; existedBefore: boolean }
  /** A directory DAM created (an app's meta copy). */
  | { kind: 'dir'; path: string }
  /** A directory DAM moved aside to delete at commit (a removed app's meta); rollback moves it back. */
  | { kind: 'moved-dir'; from: string; to: string }
  /** A script started. Rollback of `install` runs `uninstall` and the reverse. */
  | {
      kind: 'script';
      script: 'install' | 'uninstall';
      action: 'install' | 'remove' | 'upgrade';
      app: ScriptTarget;
      oldVersion?: string;
      newVersion?: string;
    };

export interface JournalEntry {
  effect: Effect;
  done: boolean;
}

export type Operation = 'install' | 'remove' | 'upgrade' | 'import';

/** How an archive this operation loads was admitted: its signer, or the flag that let it through unsigned. */
export interface SignatureNote {
  archive: string;
  /** A verdict status (core/signing/verdict.ts) and, when refused, the reason. */
  status: string;
  reason?: string;
  signer?: string;
  product?: string;
  sequence?: number;
  /** `--insecure-allow-unsigned` or `--allow-downgrade` when one let a refused archive through. */
  override?: string;
}

export interface Journal {
  format: typeof JOURNAL_FORMAT;
  id: string;
  operation: Operation;
  /** What the user asked, for messages: `install web:1.0`. */
  summary: string;
  pid: number;
  startedAt: string;
  /**
   * `applying` until the state is about to be written; `committing` while it is. The committed state
   * records this journal's id as its `lastOperation`, which tells recovery whether to finish or roll back.
   */
  phase: 'applying' | 'committing';
  entries: JournalEntry[];
  /** Present when the operation loads archives while this host trusts signing keys (optional in format 1). */
  signatures?: SignatureNote[];
}

export function newJournal(id: string, operation: Operation, summary: string, now: Date, pid: number): Journal {
  return {
    format: JOURNAL_FORMAT,
    id,
    operation,
    summary,
    pid,
    startedAt: now.toISOString(),
    phase: 'applying',
    entries: [],
  };
}

export function parseJournal(text: string, file: string): Journal {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new DamError(
      'STATE_CORRUPT',
      `The journal ${file} is not valid JSON.`,
      'It records an interrupted operation; if it is empty or cut off, the operation never started its effects: move it aside and run dam doctor.',
    );
  }
  // The one field reader (json-fields.ts) names the damaged field.
  const r = fieldReader((path, problem) => {
    throw new DamError(
      'STATE_CORRUPT',
      `The journal ${file} is damaged: ${path} ${problem}.`,
      'Move it aside and check the host by hand with dam list and docker images.',
    );
  });
  const o = r.object(raw, 'the journal');
  r.string(o, 'id', '');
  r.string(o, 'operation', '');
  r.list(o.entries, 'entries');
  const j = o as Partial<Journal>;
  if (j.format !== JOURNAL_FORMAT) {
    throw new DamError(
      'STATE_TOO_NEW',
      `The journal ${file} has format ${String(j.format)}, which this DAM does not know.`,
      'Recover with the DAM that wrote it.',
    );
  }
  return j as Journal;
}

/** The effects to undo, last first. */
export function undoOrder(journal: Journal): Effect[] {
  return journal.entries.map((e) => e.effect).reverse();
}

/** Whether the journal's operation reached the state (the state names it as its last operation). */
export function wasCommitted(journal: Journal, lastOperation: string | undefined): boolean {
  return journal.phase === 'committing' && lastOperation === journal.id;
}
