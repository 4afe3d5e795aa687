import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDamError } from './errors.js';
import { formatTakenOverMarker, importLegacyDb, parseTakenOverMarker } from './legacy-db.js';
import { planMigration, refuseConflicts } from './migrate-plan.js';
import { emptyCredentials, initialState, type State } from './state.js';

const reposText = `1;;official;https://registry-1.docker.io/;;\n2;*;corp;registry.corp:5000;bob;${Buffer.from('pw').toString('base64')}\n3;;lab;lab:5000;;\n`;
const appsText = '0;0123456789ab;web;1.0;2;;web\n1;ba9876543210;tool;2.1;1;;tools\n2;ba9876543211;tool;2.2;1;;tools\n';

function hostState(): State {
  const s = initialState();
  s.repos.push(
    { id: 2, name: 'lab', server: 'lab:5000', isDefault: false },
    { id: 3, name: 'mine', server: 'mine:5000', isDefault: false },
  );
  s.apps.push({
    id: 0,
    name: 'web',
    version: '1.0',
    tag: 'registry.corp:5000/web:1.0',
    imageId: 'sha256:0123456789ab' + 'f'.repeat(52),
    repoId: 0,
    family: 'web',
    multiversion: false,
    installedAt: 'x',
  });
  s.nextRepoId = 4;
  s.nextAppId = 1;
  return s;
}

test('migration merges: same server maps, new repos and apps get new ids, present apps are kept, nothing here changes', () => {
  const host = hostState();
  const { plan, state, credentials } = planMigration(host, emptyCredentials(), importLegacyDb(reposText, appsText));
  assert.deepEqual(plan.conflicts, []);
  assert.deepEqual(
    plan.repos.map((r) => [r.name, r.action, r.id]),
    [
      ['corp', 'add', 4],
      ['lab', 'same', 2],
    ],
  );
  assert.deepEqual(
    plan.apps.map((a) => [`${a.name}:${a.version}`, a.action, a.repo]),
    [
      ['web:1.0', 'present', 'corp'],
      ['tool:2.1', 'add', 'official'],
      ['tool:2.2', 'add', 'official'],
    ],
  );
  assert.equal(plan.defaultRepo, 'corp', "1.x's default, since this host still had the official one");
  assert.deepEqual(
    state.apps.map((a) => [a.id, a.name, a.version]),
    [
      [0, 'web', '1.0'],
      [1, 'tool', '2.1'],
      [2, 'tool', '2.2'],
    ],
    '1.x apps of one family coexist, as in 1.x',
  );
  assert.equal(state.apps[0], host.apps[0], 'the app recorded here is untouched');
  assert.deepEqual([state.nextRepoId, state.nextAppId], [5, 3]);
  assert.equal(credentials.passwords['4'], 'pw');
  assert.deepEqual(
    host.repos.map((r) => r.isDefault),
    [true, false, false],
    'the input state is not mutated',
  );
});

test('conflicts refuse the whole migration, each named', () => {
  const host = hostState();
  host.repos[2] = { id: 3, name: 'corp', server: 'other:5000', isDefault: false };
  host.apps[0] = { ...host.apps[0]!, imageId: 'sha256:' + 'e'.repeat(64) };
  host.apps.push({ ...host.apps[0]!, id: 1, name: 'hammer', version: '1', family: 'tools' });
  const { plan } = planMigration(host, emptyCredentials(), importLegacyDb(reposText, appsText));
  assert.equal(plan.conflicts.length, 4, plan.conflicts.join('\n'));
  assert.match(
    plan.conflicts[0]!,
    /repository 'corp' \(registry\.corp:5000\) has the name of this host's repository for other:5000/,
  );
  assert.match(
    plan.conflicts[1]!,
    /web:1\.0 is installed here with image eeeeeeeeeeee, and in 1\.x with image 0123456789ab/,
  );
  assert.match(plan.conflicts[2]!, /tool:2\.1 is of the family 'tools', of which hammer:1 is installed here/);
  assert.throws(
    () => refuseConflicts(plan, '/c/dam'),
    (err) =>
      isDamError(err, 'CONFLICT') &&
      /\/c\/dam cannot merge/.test(err.message) &&
      /Nothing was changed/.test(err.hint ?? ''),
  );
});

test('the taken-over marker has seven fields, an id 1.x cannot parse, and reads back', () => {
  const line = formatTakenOverMarker({ at: '2026-01-02T03:04:05.000Z', backup: 'Apps.taken-over-by-dam2' });
  assert.equal(line.trimEnd().split(';').length, 7);
  assert.ok(Number.isNaN(Number(line.split(';')[0])));
  assert.deepEqual(parseTakenOverMarker(line), { at: '2026-01-02T03:04:05.000Z', backup: 'Apps.taken-over-by-dam2' });
  assert.equal(parseTakenOverMarker(appsText), undefined);
  assert.equal(importLegacyDb('', line).state.apps.length, 0, 'the marker is no app');
});
