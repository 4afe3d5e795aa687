// trust.json in the state directory: read without a lock, changed under its own lock file (`trust.lock`,
// not the state lock, which an install already holds when it records an accepted sequence) and replaced
// atomically.
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { errnoCode } from '../../core/errors.js';
import { emptyTrust, parseTrust, serializeTrust, type TrustPolicy } from '../../core/signing/trust.js';
import { acquireLock } from '../store/lock.js';
import { writeFileAtomic } from '../store/atomic.js';
import type { TrustStore } from '../../core/ports/signing.js';

/** Where trust.json and its lock live; given by the state directory (src/adapters/store/state-dir.ts). */
export interface TrustPaths {
  /** The state directory, made private before the first write. */
  dir: string;
  file: string;
  lock: string;
}

export async function readTrust(paths: TrustPaths): Promise<TrustPolicy> {
  const file = paths.file;
  try {
    return parseTrust(await readFile(file, 'utf8'), file);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return emptyTrust();
    throw err;
  }
}

export async function updateTrust<T>(
  paths: TrustPaths,
  command: string,
  fn: (policy: TrustPolicy) => { policy: TrustPolicy; result: T },
): Promise<T> {
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  await chmod(paths.dir, 0o700);
  const lock = await acquireLock(paths.lock, command, 5000);
  try {
    const before = await readTrust(paths);
    const { policy, result } = fn(before);
    if (policy !== before) await writeFileAtomic(paths.file, serializeTrust(policy), 0o600);
    return result;
  } finally {
    await lock.release();
  }
}

export function trustStore(paths: TrustPaths): TrustStore {
  return { read: () => readTrust(paths), update: (command, fn) => updateTrust(paths, command, fn) };
}
