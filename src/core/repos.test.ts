import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addRepo, modifyRepo, normalizeServer, removeRepo } from './repos.js';
import { initialState, type State } from './state.js';
import { isDamError } from './errors.js';

function withRepos(): State {
  let s = initialState();
  s = addRepo(s, { name: 'corp', server: 'registry.corp:5000' }).state;
  s = addRepo(s, { name: 'lab', server: 'http://127.0.0.1:5000', isDefault: true }).state;
  return s;
}

const defaults = (s: State) => s.repos.filter((r) => r.isDefault).map((r) => r.id);

test('Docker Hub is id 1 and the default on a fresh state', () => {
  const s = initialState();
  assert.deepEqual(
    s.repos.map((r) => [r.id, r.name, r.isDefault]),
    [[1, 'official', true]],
  );
});

test('addrepo assigns increasing ids and --default moves the default', () => {
  const s = withRepos();
  assert.deepEqual(
    s.repos.map((r) => r.id),
    [1, 2, 3],
  );
  assert.deepEqual(defaults(s), [3]);
  assert.equal(s.repos[2]?.insecure, true, 'http:// marks the repo insecure');
  assert.equal(s.repos[2]?.server, '127.0.0.1:5000');
});

test('duplicate names are refused', () => {
  assert.throws(
    () => addRepo(withRepos(), { name: 'corp', server: 'x:1' }),
    (e) => isDamError(e, 'CONFLICT'),
  );
  assert.throws(
    () => addRepo(withRepos(), { name: 'official', server: 'x:1' }),
    (e) => isDamError(e, 'CONFLICT'),
  );
});

test('invalid names and servers are refused with the input named', () => {
  for (const name of ['12', '-5', 'a;b', 'a b', 'a/b', '', 'x\u0007']) {
    assert.throws(
      () => addRepo(initialState(), { name, server: 'x:1' }),
      (e) => isDamError(e) && e.code === 'INVALID_NAME',
      name,
    );
  }
  for (const server of ['', 'a b', 'a;b', 'https://', 'user@host']) {
    assert.throws(
      () => normalizeServer(server),
      (e) => isDamError(e, 'INVALID_NAME'),
      server,
    );
  }
});

test('ids are never reused, even after removing the highest', () => {
  let s = withRepos();
  s = removeRepo(s, '3', true).state;
  s = addRepo(s, { name: 'again', server: 'y:2' }).state;
  assert.deepEqual(
    s.repos.map((r) => r.id),
    [1, 2, 4],
  );
});

test('removing the default needs --force and gives the default back to id 1', () => {
  const s = withRepos();
  assert.throws(
    () => removeRepo(s, 'lab', false),
    (e) => isDamError(e, 'REFUSED'),
  );
  const out = removeRepo(s, 'lab', true);
  assert.deepEqual(defaults(out.state), [1]);
});

test('the official repo is neither removable nor renamable', () => {
  assert.throws(
    () => removeRepo(withRepos(), '1', true),
    (e) => isDamError(e, 'REFUSED'),
  );
  assert.throws(
    () => removeRepo(withRepos(), 'official', true),
    (e) => isDamError(e, 'REFUSED'),
  );
  assert.throws(
    () => modifyRepo(withRepos(), 1, { name: 'hub' }),
    (e) => isDamError(e, 'REFUSED'),
  );
  assert.throws(
    () => modifyRepo(withRepos(), 1, { server: 'x:1' }),
    (e) => isDamError(e, 'REFUSED'),
  );
});

test('un-defaulting the default makes id 1 the default; official keeps it', () => {
  let s = withRepos();
  s = modifyRepo(s, 3, { isDefault: false }).state;
  assert.deepEqual(defaults(s), [1]);
  s = modifyRepo(s, 1, { isDefault: false }).state;
  assert.deepEqual(defaults(s), [1]);
  s = modifyRepo(s, 2, { isDefault: true }).state;
  assert.deepEqual(defaults(s), [2]);
  s = modifyRepo(s, 3, { isDefault: false }).state;
  assert.deepEqual(defaults(s), [2], 'un-defaulting a non-default keeps the default');
});

test('modifyrepo renames, refuses a taken name and unknown ids', () => {
  const s = withRepos();
  assert.equal(modifyRepo(s, 2, { name: 'corp2' }).repo.name, 'corp2');
  assert.throws(
    () => modifyRepo(s, 2, { name: 'lab' }),
    (e) => isDamError(e, 'CONFLICT'),
  );
  assert.throws(
    () => modifyRepo(s, 9, { name: 'x' }),
    (e) => isDamError(e, 'NOT_FOUND'),
  );
});

test('removing a repo points its apps at the unknown repo 0', () => {
  const s = withRepos();
  s.apps.push({
    id: 0,
    name: 'web',
    version: '1',
    tag: 'registry.corp:5000/web:1',
    imageId: 'sha256:x',
    repoId: 2,
    family: 'web',
    multiversion: false,
    installedAt: '',
  });
  const out = removeRepo(s, 'corp', false);
  assert.equal(out.orphanedApps, 1);
  assert.equal(out.state.apps[0]?.repoId, 0);
});
