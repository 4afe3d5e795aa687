// Contract tests: the same table against the real adapter (a temporary folder, real shell scripts) and the
// in-memory fake, so that the CPU-only tests of app/ exercise what production does. The Engine's contract,
// which needs an engine, is test/engine-fake-contract.test.ts.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isDamError } from '../../core/errors.js';
import { initialState, type State } from '../../core/state.js';
import type { Store } from '../../core/ports/store.js';
import type { HostDirs, Journals, Scripts } from '../../core/ports/host.js';
import { StateDir } from '../../adapters/store/state-dir.js';
import { hostDirs } from '../../adapters/fs/host-dirs.js';
import { runScript } from '../../adapters/scripts/run-script.js';
import { scriptSettings } from '../../core/script-env.js';
import { FakeFs, FakeScripts } from './fake-host.js';
import { FakeJournals, FakeStore } from './fake-store.js';

const root = await mkdtemp(join(tmpdir(), 'damtest-contract-'));
after(() => rm(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, String(n++));

/** One world per implementation: the port, and how a test puts a file where the port will look. */
interface World {
  store: Store;
  journals: Journals;
  scripts: Scripts;
  dirs: HostDirs;
  base: string;
  put(path: string, text: string): Promise<void>;
}

async function realWorld(): Promise<World> {
  const base = fresh();
  const dir = new StateDir(join(base, 'state'), { lockWaitMs: 100 });
  return {
    store: dir.store(),
    journals: await dir.journals(),
    scripts: {
      run: async (run) => {
        await runScript({ ...run, baseEnv: { PATH: '/usr/bin:/bin' } });
      },
      settings: () => scriptSettings({ DAM_BIN_DIR: '/opt/bin', HOME: '/root' }),
    },
    dirs: hostDirs,
    base,
    put: async (path, text) => {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, `#!/bin/sh\n${text}\n`);
      await chmod(path, 0o755);
    },
  };
}

function fakeWorld(): World {
  const fs = new FakeFs();
  return {
    store: new FakeStore(),
    journals: new FakeJournals(fs),
    scripts: new FakeScripts(fs, { DAM_BIN_DIR: '/opt/bin' }),
    dirs: fs,
    base: `/fake/${n++}`,
    put: async (path, text) => fs.write(path, text),
  };
}

const worlds: Array<[string, () => Promise<World>]> = [
  ['real', realWorld],
  ['fake', async () => fakeWorld()],
];

const withRepo = (state: State): State => ({
  ...state,
  repos: [...state.repos, { id: state.nextRepoId, name: 'corp', server: 'r.corp:5000', isDefault: false }],
  nextRepoId: state.nextRepoId + 1,
});

const storeCases: Array<[string, (w: World) => Promise<void>]> = [
  ['the first read is the initial state', async (w) => assert.deepEqual(await w.store.read(), initialState())],
  [
    'an update is read back',
    async (w) => {
      await w.store.update('t', (state) => ({ state: withRepo(state), result: undefined }));
      assert.deepEqual(
        (await w.store.read()).repos.map((r) => r.name),
        ['official', 'corp'],
      );
    },
  ],
  [
    'an update that throws writes nothing',
    async (w) => {
      await assert.rejects(
        w.store.update('t', () => {
          throw new Error('no');
        }),
        /no/,
      );
      assert.deepEqual(await w.store.read(), initialState());
    },
  ],
  [
    'a transaction writes as often as it likes, and sees what it wrote',
    async (w) => {
      await w.store.transaction('t', async (tx) => {
        await tx.write(withRepo(tx.state));
        await tx.write(withRepo(tx.state));
        assert.equal(tx.state.repos.length, 3);
      });
      assert.equal((await w.store.read()).repos.length, 3);
    },
  ],
  [
    'what a transaction wrote stays when it then throws',
    async (w) => {
      await assert.rejects(
        w.store.transaction('t', async (tx) => {
          await tx.write(withRepo(tx.state));
          throw new Error('later');
        }),
        /later/,
      );
      assert.equal((await w.store.read()).repos.length, 2);
    },
  ],
  [
    'a second writer is refused with STATE_LOCKED while the first holds the lock',
    async (w) => {
      await w.store.transaction('first', async () => {
        await assert.rejects(
          w.store.update('second', () => ({ result: undefined })),
          (e) => isDamError(e, 'STATE_LOCKED'),
        );
      });
    },
  ],
  [
    'credentials are written with the state and read back',
    async (w) => {
      await w.store.update('t', (state, credentials) => ({
        state,
        credentials: { ...credentials, passwords: { 2: 'pw' } },
        result: undefined,
      }));
      assert.deepEqual((await w.store.readCredentials()).passwords, { 2: 'pw' });
    },
  ],
  [
    'a snapshot does not change when its reader edits it',
    async (w) => {
      const s = await w.store.read();
      s.apps.push({
        id: 9,
        name: 'x',
        version: '1',
        tag: 'x:1',
        imageId: 'sha256:x',
        repoId: 1,
        family: 'x',
        multiversion: false,
        installedAt: '',
      });
      assert.deepEqual((await w.store.read()).apps, []);
    },
  ],
];

const journalCases: Array<[string, (w: World) => Promise<void>]> = [
  ['no journal is pending at first', async (w) => assert.deepEqual(await w.journals.pending(), [])],
  [
    'a begun journal is pending, applying, with its work folder',
    async (w) => {
      const j = await w.journals.begin('install', 'install web:1');
      const [p, ...rest] = await w.journals.pending();
      assert.deepEqual(rest, []);
      assert.deepEqual(
        [p?.journal.id, p?.journal.operation, p?.journal.summary, p?.journal.phase, p?.journal.entries],
        [j.journal.id, 'install', 'install web:1', 'applying', []],
      );
      assert.equal(p?.workDir, j.workDir);
      assert.equal(await w.dirs.exists(j.workDir), true);
    },
  ],
  [
    'an intent is durable before it is marked done, and its done mark after',
    async (w) => {
      const j = await w.journals.begin('remove', 'remove web');
      const done = await j.intend({ kind: 'dir', path: '/x' });
      assert.deepEqual((await w.journals.pending())[0]?.journal.entries, [
        { effect: { kind: 'dir', path: '/x' }, done: false },
      ]);
      await done();
      assert.deepEqual((await w.journals.pending())[0]?.journal.entries, [
        { effect: { kind: 'dir', path: '/x' }, done: true },
      ]);
    },
  ],
  [
    'committing and signature notes are durable',
    async (w) => {
      const j = await w.journals.begin('import', 'import x');
      await j.noteSignature({ archive: 'a.dam', status: 'not-required' });
      await j.committing();
      const p = (await w.journals.pending())[0]?.journal;
      assert.deepEqual([p?.phase, p?.signatures], ['committing', [{ archive: 'a.dam', status: 'not-required' }]]);
    },
  ],
  [
    'a closed journal is gone with its work folder',
    async (w) => {
      const j = await w.journals.begin('upgrade', 'upgrade web');
      await j.close();
      assert.deepEqual(await w.journals.pending(), []);
      assert.equal(await w.dirs.exists(j.workDir), false);
    },
  ],
];

const app = { name: 'web', version: '1', tag: 'web:1', family: 'web', action: 'install' as const };
const scriptCases: Array<[string, string | undefined, RegExp | undefined]> = [
  ['a script that exits 0 succeeds', 'exit 0', undefined],
  ['a script that exits 3 fails with SCRIPT_FAILED naming the code', 'exit 3', /SCRIPT_FAILED.*exited with code 3/],
  ['a missing script is NOT_FOUND', undefined, /NOT_FOUND.*does not exist/],
];

const dirCases: Array<[string, (w: World, at: (p: string) => string) => Promise<void>]> = [
  [
    'a moved folder is at its new place only, parents made',
    async (w, at) => {
      await w.put(at('a/meta/install'), 'exit 0');
      await w.dirs.move(at('a'), at('b/c'));
      assert.deepEqual(
        [
          await w.dirs.exists(at('a')),
          await w.dirs.isFile(at('b/c/meta/install')),
          await w.dirs.isFile(at('b/c/meta')),
        ],
        [false, true, false],
      );
    },
  ],
  [
    'a removal is idempotent',
    async (w, at) => {
      await w.put(at('d/f'), 'x');
      await w.dirs.remove(at('d'));
      await w.dirs.remove(at('d'));
      assert.equal(await w.dirs.exists(at('d')), false);
    },
  ],
  ['moving what is not there fails', async (w, at) => assert.rejects(w.dirs.move(at('none'), at('z')))],
];

for (const [kind, make] of worlds) {
  for (const [name, body] of storeCases) test(`Store contract (${kind}): ${name}`, async () => body(await make()));
  for (const [name, body] of journalCases) test(`Journals contract (${kind}): ${name}`, async () => body(await make()));
  for (const [name, body] of dirCases)
    test(`HostDirs contract (${kind}): ${name}`, async () => {
      const w = await make();
      await body(w, (p) => join(w.base, p));
    });
  for (const [name, text, error] of scriptCases) {
    test(`Scripts contract (${kind}): ${name}`, async () => {
      const w = await make();
      const metaDir = join(w.base, 'meta');
      if (text !== undefined) await w.put(join(metaDir, 'install'), text);
      const run = w.scripts.run({ script: 'install', metaDir, app });
      if (error) await assert.rejects(run, (e) => isDamError(e) && error.test(`${e.code} ${e.message}`));
      else await run;
    });
  }
  test(`Scripts contract (${kind}): settings are the user's DAM_* values only`, async () =>
    assert.deepEqual((await make()).scripts.settings(), { DAM_BIN_DIR: '/opt/bin' }));
}
