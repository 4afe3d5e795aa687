// The crash tests' fault injection (docs/formats.md, "DAM_FAULT_KILL_AT"): SIGKILL at a named step, so the
// journal and the state are left exactly as a power cut would leave them. Wired by src/cli/lifecycle.ts.
import type { FaultPoints } from '../../core/ports/host.js';

/** Kills this process when the operation reaches `step`; with no step, does nothing. */
export function killAtStep(step: string | undefined): FaultPoints {
  return {
    reached: (at) => {
      if (step !== undefined && at === step) process.kill(process.pid, 'SIGKILL');
    },
  };
}
