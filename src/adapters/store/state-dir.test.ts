import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HISTORY_FORMAT, type HistoryEntry } from '../../core/history.js';
import { addTrustedKey } from '../../core/signing/trust.js';
import { parsePublicKeyPem } from '../../core/signing/fingerprint.js';
import { StateDir } from './state-dir.js';

// The layout is a format (docs/formats.md): DAM 1.x import, `dam migrate` and older DAM 2 releases read it.
test('the state directory keeps every file under the names and modes docs/formats.md gives', async () => {
  const home = join(await mkdtemp(join(tmpdir(), 'damtest-statedir-')), 'state');
  try {
    const dir = new StateDir(home);
    assert.equal(await dir.mode(), undefined);
    assert.equal(await dir.peekState(), undefined, 'peeking never creates the state');
    assert.deepEqual(await dir.pendingOperations(), []);
    await dir.store().update('test', (state) => ({ state, result: undefined }));
    assert.equal(await dir.mode(), 0o700);
    assert.deepEqual((await dir.peekState())?.apps, []);

    const journal = await (await dir.journals()).begin('install', 'install web');
    assert.deepEqual(await dir.pendingOperations(), [`${journal.journal.id}.json`]);

    const keys = await dir.keys();
    const made = await keys.generate('release');
    const { raw } = parsePublicKeyPem(await keys.publicPem('release'), 'release.pub');
    assert.deepEqual(await keys.names(), ['release']);
    const trust = await dir.trust();
    await trust.update('test', (policy) => ({
      policy: addTrustedKey(policy, {
        name: 'x',
        fingerprint: made.fingerprint,
        publicKey: raw.toString('base64'),
        addedAt: '2026-01-01T00:00:00.000Z',
      }),
      result: undefined,
    }));
    assert.deepEqual(
      (await trust.read()).keys.map((k) => k.name),
      ['x'],
    );

    const entry: HistoryEntry = {
      format: HISTORY_FORMAT,
      start: 's',
      end: 'e',
      user: 'u',
      uid: 1,
      commandLine: ['list'],
      command: 'list',
      result: 'ok',
      exitCode: 0,
      changes: [],
      overrides: [],
    };
    await dir.history().append(entry);
    assert.deepEqual(
      (await dir.history().read()).map((e) => e.command),
      ['list'],
    );

    assert.equal(dir.appMetaDir(3), join(home, 'apps', '3', 'meta'));
    assert.equal(dir.appDir(3), join(home, 'apps', '3'));
    assert.deepEqual(dir.describe(), {
      dir: home,
      stateFile: join(home, 'state.json'),
      journalDir: join(home, 'journal'),
    });
    assert.deepEqual((await readdir(home)).sort(), [
      'credentials.json',
      'history.jsonl',
      'history.lock',
      'journal',
      'keys',
      'lock',
      'state.json',
      'trust.json',
      'trust.lock',
    ]);
    assert.deepEqual((await readdir(join(home, 'journal'))).sort(), [journal.journal.id, `${journal.journal.id}.json`]);
    assert.deepEqual((await readdir(join(home, 'keys'))).sort(), ['release.key', 'release.pub']);
    assert.equal((await stat(join(home, 'keys', 'release.key'))).mode & 0o777, 0o600);
    await journal.close();
    assert.deepEqual(await dir.pendingOperations(), []);
  } finally {
    await rm(join(home, '..'), { recursive: true, force: true });
  }
});
