// Completion that knows things: the real bash function driven with COMP_WORDS/COMP_CWORD, fish's own
// `complete -C`, and zsh's parser; values (installed apps, repos, keys) come from the state directory the
// command line names with --home.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { dam, tempHome, DAM_BIN } from './harness/dam.js';
import { initialState } from '../src/core/state.js';
import { serializeState } from '../src/core/state-format.js';

const run = promisify(execFile);
const PATH = `${dirname(process.execPath)}:${process.env.PATH ?? ''}`;
let home: string;
let work: string;
let cleanup: () => Promise<void>;
let script: string;

before(async () => {
  ({ home, cleanup } = await tempHome());
  work = join(dirname(home), 'work');
  await mkdir(join(work, 'bundles'), { recursive: true });
  await writeFile(join(work, 'bundles', 'plant-a.bundle'), 'x');
  assert.equal((await dam(['addrepo', '--name', 'corp', '--server', '127.0.0.1:5999'], { home })).code, 0);
  assert.equal((await dam(['key', 'generate', 'release'], { home })).code, 0);
  const state = JSON.parse(
    await import('node:fs/promises').then((fs) => fs.readFile(join(home, 'state.json'), 'utf8')),
  ) as ReturnType<typeof initialState>;
  state.apps.push({
    id: 1,
    name: 'webshop',
    version: '2.1',
    tag: 'webshop:2.1',
    imageId: `sha256:${'ab'.repeat(32)}`,
    repoId: 1,
    family: 'webshop',
    multiversion: false,
    installedAt: '2026-01-01T00:00:00.000Z',
  });
  await writeFile(join(home, 'state.json'), serializeState(state));
  script = join(work, 'dam.bash');
  await writeFile(script, (await dam(['completion', 'bash'], { home })).stdout);
});

after(async () => cleanup());

/** What bash's completion offers for `dam WORDS...` with the cursor on the last word. */
async function bashComplete(...words: string[]): Promise<string[]> {
  const line = [DAM_BIN, ...words];
  const program = `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _dam; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const { stdout } = await run('bash', ['-c', program, 'bash', script, ...line], {
    cwd: work,
    env: { ...process.env, PATH, DAM_HOME: '' },
  });
  return stdout.split('\n').filter((l) => l !== '');
}

test("after global flags: dam --home DIR install --<TAB> offers install's flags", async () => {
  const flags = await bashComplete('--home', home, 'install', '--');
  for (const f of ['--offline', '--signature', '--timeout', '--json'])
    assert.ok(flags.includes(f), `${f} in ${flags.join(' ')}`);
  assert.ok((await bashComplete('-x', '--home', home, 'remove', '--')).includes('--force'));
});

test('installed apps, repo names and ids, key names, from the state directory --home names', async () => {
  assert.deepEqual(await bashComplete('--home', home, 'remove', 'web'), ['webshop', 'webshop:2.1']);
  assert.deepEqual(await bashComplete('--home', home, 'upgrade', ''), ['webshop', 'webshop:2.1']);
  assert.deepEqual((await bashComplete('--home', home, 'modifyrepo', '')).sort(), ['1', '2', 'corp', 'official']);
  assert.deepEqual(await bashComplete('--home', home, 'search', '--repo', 'c'), ['corp']);
  assert.deepEqual(await bashComplete('--home', home, 'key', 'export-public', ''), ['release']);
  assert.deepEqual(await bashComplete('--home', home, 'export', '--all', '--sign', 're'), ['release']);
  // Another state directory has none of these.
  const other = await tempHome();
  try {
    assert.deepEqual(await bashComplete('--home', other.home, 'remove', ''), []);
    assert.equal(existsSync(other.home), false, 'completion creates no state directory');
  } finally {
    await other.cleanup();
  }
});

test('sub-actions of key and trust, shells of completion, and files where a file is expected', async () => {
  assert.deepEqual(await bashComplete('key', ''), ['generate', 'list', 'export-public']);
  assert.deepEqual(await bashComplete('--home', home, 'trust', 'r'), ['remove']);
  assert.deepEqual(await bashComplete('completion', ''), ['bash', 'zsh', 'fish']);
  assert.deepEqual(await bashComplete('--home', home, 'import', 'bundles/'), ['bundles/plant-a.bundle']);
  assert.deepEqual(await bashComplete('--home', home, 'install', '--signature', 'bundles/p'), [
    'bundles/plant-a.bundle',
  ]);
  assert.deepEqual(await bashComplete('--home', home, 'create', 'bun'), ['bundles']);
  assert.deepEqual(
    await bashComplete('--home', home, 'import', '--timeout', ''),
    [],
    'an option value without a known kind: nothing',
  );
});

test('commands and global flags first; the hidden helper is never offered', async () => {
  const first = await bashComplete('');
  for (const c of ['install', 'modifyrepo', 'version', 'completion', '--home']) assert.ok(first.includes(c), c);
  assert.ok(!first.includes('__complete'));
  assert.deepEqual(await bashComplete('--home', home, 'vers'), ['version']);
  const help = await dam(['--help'], { home });
  assert.doesNotMatch(help.stdout, /__complete/);
});

const fishSkip = !existsSync('/usr/bin/fish') && 'fish is not installed (scripts/ensure-engine.sh installs it)';
test('fish: the script parses, and fish completes apps and flags after --home', { skip: fishSkip }, async () => {
  const file = join(work, 'dam.fish');
  await writeFile(file, (await dam(['completion', 'fish'], { home })).stdout);
  await run('fish', ['-n', file]);
  const complete = async (line: string) =>
    (
      await run(
        'fish',
        ['-c', `source ${file}; complete -c ${DAM_BIN} -f -a '(__dam_complete)'; complete -C '${DAM_BIN} ${line}'`],
        { cwd: work, env: { ...process.env, PATH, DAM_HOME: '' } },
      )
    ).stdout
      .split('\n')
      .map((l) => l.split('\t')[0])
      .filter((l) => l);
  assert.deepEqual(await complete(`--home ${home} remove web`), ['webshop', 'webshop:2.1']);
  assert.ok((await complete(`--home ${home} install --`)).includes('--offline'));
  assert.deepEqual(await complete(`--home ${home} key `), ['export-public', 'generate', 'list']);
});

const zshSkip = !existsSync('/usr/bin/zsh') && 'zsh is not installed (scripts/ensure-engine.sh installs it)';
test('zsh: the script parses', { skip: zshSkip }, async () => {
  const file = join(work, '_dam');
  await writeFile(file, (await dam(['completion', 'zsh'], { home })).stdout);
  await run('zsh', ['-n', file]);
});
