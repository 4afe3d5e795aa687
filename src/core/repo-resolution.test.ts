import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyArgument, configuredRepoFor, pathInRepo, repoForInstall, repoForReading } from './repo-resolution.js';
import { addRepo } from './repos.js';
import { parseRef } from './ref.js';
import { initialState, UNKNOWN_REPO_ID, type State } from './state.js';

function withRepos(): State {
  let s = initialState();
  s = addRepo(s, { name: 'corp', server: 'registry.corp:5000/team' }).state;
  s = addRepo(s, { name: 'whole', server: 'registry.corp:5000' }).state;
  s = addRepo(s, { name: 'deep', server: 'registry.corp:5000/team/sub' }).state;
  return s;
}

test('a reference resolves to the repo whose server and namespace hold it, the longest namespace first', () => {
  const s = withRepos();
  const cases: Array<[string, string | undefined, string]> = [
    ['registry.corp:5000/team/web:1.0', 'corp', 'web'],
    ['registry.corp:5000/team/sub/web:1.0', 'deep', 'web'],
    ['registry.corp:5000/other/web:1.0', 'whole', 'other/web'],
    ['REGISTRY.corp:5000/web:1.0', 'whole', 'web'],
    ['web:1.0', 'official', 'web'],
    ['someuser/web:1.0', 'official', 'someuser/web'],
    ['docker.io/library/web:1.0', 'official', 'library/web'],
    ['elsewhere:5000/web:1.0', undefined, 'web'],
  ];
  for (const [text, repo, path] of cases) {
    const match = configuredRepoFor(s, parseRef(text));
    assert.equal(match?.repo.name, repo, text);
    if (match) assert.equal(match.path, path, text);
  }
});

test('install and info agree: the corp repo, never a new auto repo, for a reference under its namespace', () => {
  let s = initialState();
  s = addRepo(s, { name: 'corp', server: 'registry.corp:5000/team' }).state;
  const ref = parseRef('registry.corp:5000/team/web:1.0');
  const install = repoForInstall(s, ref);
  assert.deepEqual([install.repo.name, install.path, install.added, install.state], ['corp', 'web', false, s]);
  assert.equal(repoForReading(s, ref).repo.name, 'corp');
});

test('an unconfigured registry: install adds auto<N> for its host, info reads it unsaved', () => {
  let s = initialState();
  s = addRepo(s, { name: 'auto0', server: 'x.example:1' }).state;
  const ref = parseRef('registry.corp:5000/team/web:1.0');
  const install = repoForInstall(s, ref);
  assert.deepEqual(
    [install.repo.name, install.repo.server, install.added, install.path],
    ['auto1', 'registry.corp:5000', true, 'team/web'],
  );
  assert.ok(install.state.repos.some((r) => r.name === 'auto1'));
  const read = repoForReading(s, parseRef('127.0.0.1:5000/web:1.0'));
  assert.deepEqual([read.repo.id, read.repo.server, read.repo.insecure], [UNKNOWN_REPO_ID, '127.0.0.1:5000', true]);
  assert.equal(repoForReading(s, ref).repo.insecure, false);
});

test('a path is made relative to the namespace of a repo with a path, and only then', () => {
  const s = withRepos();
  const corp = s.repos.find((r) => r.name === 'corp');
  const hub = s.repos.find((r) => r.name === 'official');
  assert.ok(corp && hub);
  assert.equal(pathInRepo(corp, 'team/web'), 'web');
  assert.equal(pathInRepo(corp, 'teamx/web'), 'teamx/web');
  assert.equal(pathInRepo(hub, 'team/web'), 'team/web');
});

test('an argument is a file, a missing file, a reference or a bare name', () => {
  const cases: Array<[string, 'regular' | 'other' | undefined, string]> = [
    ['app.dam', 'regular', 'file'],
    ['myapp', 'regular', 'file'],
    ['app.dam', undefined, 'missing-file'],
    ['./x', undefined, 'missing-file'],
    ['../x', undefined, 'missing-file'],
    ['/tmp/x', undefined, 'missing-file'],
    ['~/x', undefined, 'missing-file'],
    ['p.bundle', undefined, 'missing-file'],
    ['x.tar.gz', undefined, 'missing-file'],
    ['X.TGZ', undefined, 'missing-file'],
    ['web:1.0', undefined, 'reference'],
    ['host:5000/web:1.0', undefined, 'reference'],
    ['team/web', undefined, 'reference'],
    ['web', undefined, 'bare-name'],
    ['web', 'other', 'bare-name'],
    ['./dir', 'other', 'file'],
    ['dir.d', 'other', 'file'],
  ];
  for (const [text, found, kind] of cases) assert.equal(classifyArgument(text, found), kind, `${text} ${found}`);
});
