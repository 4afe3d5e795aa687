// The only file that reads argv and sets the exit code. No top-level await: the single executable runs
// this file bundled as CommonJS (Node 24's single executable applications take a CommonJS main).
import { run } from './cli/run.js';
import { selfContainedArgv } from './cli/self-argv.js';

// `dam list | head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

void run(selfContainedArgv(process.argv.slice(2), process.execPath), process.env).then((code) => {
  process.exitCode = code;
});
