// dam history: every operation that changed the host, with time, user, command line, plan, result, apps
// and versions changed and overrides, kept in an append-only file in the state directory that rotates.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { dam, tempHome, uniqueName, type DamResult } from './harness/dam.js';
import { buildTestApp, removeTestImages } from './harness/apps.js';

const app = uniqueName('hist');
const homes: Array<{ home: string; cleanup: () => Promise<void> }> = [];

before(async () => {
  await buildTestApp({ name: app, version: '1.0' });
  await buildTestApp({ name: app, version: '2.0' });
  homes.push(await tempHome(), await tempHome());
});

after(async () => {
  for (const h of homes) await dam(['remove', app, '--force'], { home: h.home, env: { DAMTEST_LOG: '/dev/null' } });
  await removeTestImages([app]);
  for (const h of homes) await h.cleanup();
});

const run = (n: number, args: string[], env: Record<string, string> = {}): Promise<DamResult> =>
  dam(args, { home: homes[n]?.home ?? '', env: { DAMTEST_LOG: '/dev/null', ...env } });

interface Entry {
  start: string;
  end: string;
  user: string;
  commandLine: string[];
  command: string;
  result: string;
  exitCode: number;
  plan?: unknown;
  changes: Array<{ app: string; from: string | null; to: string | null }>;
  overrides: string[];
  error?: { code: string };
}

test('history records each operation, its result, changes and overrides; read-only commands and dry runs are not recorded', async () => {
  assert.equal((await run(0, ['install', `${app}:1.0`, '--insecure-allow-unsigned'])).code, 0);
  assert.equal((await run(0, ['list'])).code, 0);
  assert.equal((await run(0, ['upgrade', `${app}:2.0`, '--dry-run'])).code, 0);
  assert.equal((await run(0, ['upgrade', `${app}:2.0`])).code, 0);
  const failed = await run(0, ['install', '--offline', `${app}-nosuch:1.0`]);
  assert.equal(failed.code, 1);
  assert.equal((await run(0, ['remove', app, '--force'])).code, 0);

  const out = await run(0, ['history', '--json']);
  assert.equal(out.code, 0, out.stderr);
  const { schemaVersion, entries } = JSON.parse(out.stdout) as { schemaVersion: number; entries: Entry[] };
  assert.equal(schemaVersion, 1);
  assert.deepEqual(
    entries.map((e) => [e.command, e.result]),
    [
      ['install', 'ok'],
      ['upgrade', 'ok'],
      ['install', 'failed'],
      ['remove', 'ok'],
    ],
  );
  const [inst, up, bad, rm] = entries as [Entry, Entry, Entry, Entry];
  assert.equal(inst.user, userInfo().username);
  assert.deepEqual(inst.commandLine.slice(-2), [`${app}:1.0`, '--insecure-allow-unsigned']);
  assert.deepEqual(inst.overrides, ['--insecure-allow-unsigned']);
  assert.deepEqual(inst.changes, [{ app, from: null, to: '1.0' }]);
  assert.ok(inst.plan !== undefined && Date.parse(inst.end) >= Date.parse(inst.start));
  assert.deepEqual(up.changes, [{ app, from: '1.0', to: '2.0' }]);
  assert.deepEqual([bad.exitCode, bad.error?.code, bad.changes], [1, 'NOT_FOUND', []]);
  assert.deepEqual([rm.changes, rm.overrides], [[{ app, from: '2.0', to: null }], ['--force']]);

  const text = await run(0, ['history']);
  assert.match(text.stdout, /TIME \(UTC\)\s+USER\s+COMMAND\s+RESULT/);
  assert.match(text.stdout, new RegExp(`dam --home \\S+ upgrade ${app}:2\\.0\\s+ok\\s+${app}:1\\.0->2\\.0`));
  assert.match(text.stdout, /failed \(1\)/);
  assert.match(
    text.stdout,
    new RegExp(`install ${app}:1\\.0 --insecure-allow-unsigned\\s+ok\\s+\\+${app}:1\\.0 --insecure-allow-unsigned`),
  );
  assert.equal((await stat(join(homes[0]?.home ?? '', 'history.jsonl'))).mode & 0o777, 0o600);
});

test('history rotates past its size limit and keeps the rotated file', async () => {
  const env = { DAM_HISTORY_MAX_BYTES: '300' };
  for (const args of [
    ['install', `${app}:1.0`],
    ['upgrade', `${app}:2.0`],
    ['remove', app],
  ])
    assert.equal((await run(1, args, env)).code, 0);
  const home = homes[1]?.home ?? '';
  const rotated = (await readFile(join(home, 'history.jsonl.1'), 'utf8')).trim().split('\n');
  const current = (await readFile(join(home, 'history.jsonl'), 'utf8')).trim().split('\n');
  assert.equal(rotated.length + current.length, 2, 'one rotated file is kept, the older one dropped');
  const { entries } = JSON.parse((await run(1, ['history', '--json'])).stdout) as { entries: Entry[] };
  assert.deepEqual(
    entries.map((e) => e.command),
    ['upgrade', 'remove'],
    'history reads the rotated file, then the current one',
  );
  assert.deepEqual(
    JSON.parse((await run(1, ['history', '--last', '1', '--json'])).stdout).entries.map((e: Entry) => e.command),
    ['remove'],
  );
});

test('history keeps how an unsigned archive was let through, which the journal forgets at commit', async () => {
  const home = homes[1]?.home ?? '';
  const dir = join(home, '..');
  const file = join(dir, 'unsigned.dam');
  assert.equal((await run(1, ['key', 'generate', 'k'])).code, 0);
  const pub = await run(1, ['key', 'export-public', 'k']);
  await writeFile(join(dir, 'k.pub'), pub.stdout);
  assert.equal((await run(1, ['trust', 'add', join(dir, 'k.pub')])).code, 0);
  assert.equal((await run(1, ['save', `${app}:1.0`, '-o', file])).code, 0);
  const out = await run(1, ['install', file, '--insecure-allow-unsigned']);
  assert.equal(out.code, 0, out.stderr);
  const { entries } = JSON.parse((await run(1, ['history', '--json'])).stdout) as {
    entries: Array<Entry & { plan: { signatures: unknown[] } }>;
  };
  const last = entries[entries.length - 1];
  assert.deepEqual(last?.overrides, ['--insecure-allow-unsigned']);
  assert.deepEqual(last?.plan.signatures, [
    { archive: file, status: 'refused', reason: 'unsigned', override: '--insecure-allow-unsigned' },
  ]);
  assert.ok(
    entries.some((e) => e.command === 'trust'),
    'trust add is recorded',
  );
  assert.ok(!entries.some((e) => e.command === 'save'), 'save changes nothing here and is not recorded');
});
