// Run once while the executable's start-up snapshot is built (src/main.ts): V8 keeps the bytecode of the
// functions that ran, so `dam --version` and `dam list` find their code compiled. Pure: no argv, environment,
// file, handle or stream, since whatever this leaves in the heap ships in the snapshot.
import { wantsVersion } from './cli/about.js';
import { COMMANDS } from './cli/commands.js';
import { buildProgram } from './cli/run.js';
import { table } from './cli/table.js';
import { initialState } from './core/state.js';
import { parseState, serializeState } from './core/state-format.js';

export async function warmUp(): Promise<void> {
  wantsVersion(['list', '--json'], COMMANDS);
  const program = buildProgram(async (_spec, cmd) => {
    cmd.optsWithGlobals();
  });
  await program.parseAsync(['--home', '/nonexistent', 'list', '--json'], { from: 'user' });
  // Through JSON, so that this stays free of the app record's type.
  const state = JSON.parse(serializeState(initialState())) as { apps: unknown[] };
  state.apps.push({
    id: 1,
    name: 'app',
    version: '1.0',
    tag: 'app:1.0',
    imageId: `sha256:${'0'.repeat(64)}`,
    repoId: 1,
    family: 'app',
    multiversion: false,
    installedAt: '2026-01-01T00:00:00.000Z',
  });
  parseState(JSON.stringify(state), 'state.json');
  table(['NAME', 'VERSION'], [['app', '1.0']]);
  await COMMANDS.find((c) => c.name === 'list')?.load();
}
