import { readFileSync } from 'node:fs';
import { errnoCode } from '../../core/errors.js';

/**
 * A file's text, or undefined when it does not exist. Read synchronously: DAM's own files are small, and the
 * first asynchronous file call starts libuv's four-thread pool, which a read-only `dam list` need not pay.
 */
export async function readText(path: string): Promise<string | undefined> {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}
