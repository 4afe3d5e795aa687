// The only file that reads argv and sets the exit code.
import { run } from './cli/run.js';

process.exitCode = await run(process.argv.slice(2), process.env);
