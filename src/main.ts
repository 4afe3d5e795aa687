// The only file that reads argv and sets the exit code. No top-level await: the single executable runs
// this file bundled as CommonJS (Node 24's single executable applications take a CommonJS main).
// The Linux executables start from a V8 start-up snapshot of this bundle taken at build time, after every
// module's top level ran (docs/decisions/0018-startup-snapshot.md): so no module may read argv, the
// environment or the clock, or open a handle or stream, at its top level; the work starts in main().
import { startupSnapshot } from 'node:v8';
import { run } from './cli/run.js';
import { selfContainedArgv } from './cli/self-argv.js';
import { warmUp } from './warm-up.js';

function main(): void {
  // `dam list | head` closes stdout early: that is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  void run(selfContainedArgv(process.argv.slice(2), process.execPath), process.env).then((code) => {
    process.exitCode = code;
  });
}

if (startupSnapshot?.isBuildingSnapshot()) {
  startupSnapshot.setDeserializeMainFunction(main);
  void warmUp();
} else main();
