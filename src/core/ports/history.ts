// The operations log of a state directory (`dam history`). Implemented in src/adapters/store/history-file.ts.
import type { HistoryEntry } from '../history.js';

export interface HistoryLog {
  /**
   * Appends one entry durably, under the history's own lock; rotates the file once it passes `maxBytes`
   * (default 1 MiB), keeping one older file. Throws on I/O errors (callers report, never fail on them).
   */
  append(entry: HistoryEntry, maxBytes?: number): Promise<void>;
  /** Every entry, oldest first (the rotated file's, then the current one's); none when nothing was recorded. */
  read(): Promise<HistoryEntry[]>;
}
