import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importLegacyDb } from './legacy-db.js';

test('imports DAM 1.x repos, passwords and apps', () => {
  const repos = [
    '1;;official;https://registry-1.docker.io/;;',
    '2;*;corp;registry.corp:5000;admin;' + Buffer.from('s3cret').toString('base64'),
    '3;;auto0;localhost:5000;;',
    '4;;auto0;other:5000;;',
  ].join('\n');
  const apps = ['0;0123456789ab;web;1.0.0;2;;web', '1;ba9876543210;tool;2.1;1;*;tools', ''].join('\n');
  const out = importLegacyDb(repos, apps);
  assert.deepEqual(
    out.state.repos.map((r) => [r.id, r.name, r.server, r.isDefault]),
    [
      [1, 'official', 'https://registry-1.docker.io/', false],
      [2, 'corp', 'registry.corp:5000', true],
      [3, 'auto0', 'localhost:5000', false],
      [4, 'auto0-4', 'other:5000', false],
    ],
  );
  assert.equal(out.credentials.passwords['2'], 's3cret');
  assert.equal(out.state.repos[1]?.username, 'admin');
  assert.deepEqual(
    out.state.apps.map((a) => [a.id, a.tag, a.imageId, a.repoId, a.family, a.multiversion]),
    [
      [0, 'registry.corp:5000/web:1.0.0', '0123456789ab', 2, 'web', false],
      [1, 'tool:2.1', 'ba9876543210', 1, 'tools', true],
    ],
  );
  assert.equal(out.state.nextRepoId, 5);
  assert.equal(out.state.nextAppId, 2);
  assert.match(out.warnings.join('\n'), /auto0.*renamed 'auto0-4'/);
});

test('bad 1.x rows are skipped with a warning, never fatal', () => {
  const out = importLegacyDb('1;*;official;https://registry-1.docker.io/;;\n7;x\n', 'garbage\n');
  assert.equal(out.state.repos.length, 1);
  assert.equal(out.state.apps.length, 0);
  assert.equal(out.warnings.length, 2);
});
