// trust.json in the state directory: read without a lock, changed under its own lock file (`trust.lock`,
// not the state lock, which an install already holds when it records an accepted sequence) and replaced
// atomically.
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode } from '../../core/errors.js';
import { emptyTrust, parseTrust, serializeTrust, type TrustPolicy } from '../../core/signing/trust.js';
import { acquireLock } from '../store/lock.js';
import { writeFileAtomic } from '../store/atomic.js';

export const trustFile = (home: string): string => join(home, 'trust.json');

export async function readTrust(home: string): Promise<TrustPolicy> {
  const file = trustFile(home);
  try {
    return parseTrust(await readFile(file, 'utf8'), file);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return emptyTrust();
    throw err;
  }
}

export async function updateTrust<T>(home: string, command: string, fn: (policy: TrustPolicy) => { policy: TrustPolicy; result: T }): Promise<T> {
  await mkdir(home, { recursive: true, mode: 0o700 });
  await chmod(home, 0o700);
  const lock = await acquireLock(join(home, 'trust.lock'), command, 5000);
  try {
    const before = await readTrust(home);
    const { policy, result } = fn(before);
    if (policy !== before) await writeFileAtomic(trustFile(home), serializeTrust(policy), 0o600);
    return result;
  } finally {
    await lock.release();
  }
}
