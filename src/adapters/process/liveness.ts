// Whether a process of this host still runs: for the state lock's owner and for a dam's temporary containers.
import { errnoCode } from '../../core/errors.js';

/** Whether a process with this id exists on this host (one of another user, EPERM, still counts). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoCode(err) !== 'ESRCH';
  }
}
