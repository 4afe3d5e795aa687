// V8's incremental marking, turned off once a process starts streaming a bundle. Node 24's V8 starts a marking
// cycle for every few MB of the 1 MiB buffers a load allocates, and a 500 MB import ran 48 full collections
// (Node 20: 2 to 4) for about 1 s of CPU more. With marking off it ran 17, each a short pause of a small heap,
// which a command line does not feel (docs/benchmarks.md, 2026-12-01). Set at run time, not at start: a V8
// flag in the executable's execArgv slowed every start by about 3 ms. The flag only decides whether the next
// cycle starts incrementally, so changing it between cycles is safe.
import { setFlagsFromString } from 'node:v8';

let done = false;

export function forBulkStreaming(): void {
  if (done) return;
  done = true;
  setFlagsFromString('--no-incremental-marking');
}
