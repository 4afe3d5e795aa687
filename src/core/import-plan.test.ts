import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planImport, isEmptyPlan } from './import-plan.js';
import { parseTextList, formatTextList, parseProductJson, formatProductJson } from './product.js';
import { initialState, type InstalledApp } from './state.js';
import { isDamError } from './errors.js';

const app = (id: number, name: string, version: string): InstalledApp => ({ id, name, version, tag: `${name}:${version}`, imageId: `sha256:${id}`, repoId: 1, family: name, multiversion: false, installedAt: '' });

test('the plan keeps, upgrades, installs and removes', () => {
  const state = initialState();
  state.apps.push(app(0, 'web', '1.0'), app(1, 'db', '2.0'), app(2, 'old', '1'), app(3, 'multi', '1'), app(4, 'multi', '2'));
  const product = parseTextList('web:1.1\ndb:2.0\nnew:1\nmulti:3\n', 'list');
  const plan = planImport(state, product, { restore: false });
  assert.deepEqual(plan.keep.map((a) => a.tag), ['db:2.0']);
  assert.deepEqual(plan.upgrade.map((u) => `${u.from.tag}->${u.to.version}`), ['web:1.0->1.1']);
  assert.deepEqual(plan.install.map((a) => `${a.name}:${a.version}`), ['new:1', 'multi:3']);
  assert.deepEqual(plan.remove.map((a) => a.tag), ['old:1', 'multi:1', 'multi:2']);
});

test('--restore removes everything, then installs everything', () => {
  const state = initialState();
  state.apps.push(app(0, 'web', '1.0'));
  const plan = planImport(state, parseTextList('web:1.0\n', 'l'), { restore: true });
  assert.deepEqual([plan.remove.length, plan.install.length, plan.keep.length], [1, 1, 0]);
});

test('importing what is installed is an empty plan', () => {
  const state = initialState();
  state.apps.push(app(0, 'web', '1.0'));
  assert.ok(isEmptyPlan(planImport(state, parseTextList('web:1.0', 'l'), { restore: false })));
});

test('text lists: 1.x format, comments, errors with line numbers, duplicates', () => {
  assert.equal(formatTextList(parseTextList('# product\nweb:1.0\n\ndb:2\n', 'l')), 'web:1.0\ndb:2\n');
  assert.throws(() => parseTextList('web:1.0\nbroken\n', 'apps.txt'), (e) => isDamError(e, 'ARCHIVE_INVALID') && /apps\.txt, line 2/.test(e.message));
  assert.throws(() => parseTextList('web:1.0\nweb:1.0\n', 'l'), /listed twice/);
  assert.throws(() => parseTextList('a:b:c\n', 'l'), /not name:version/);
});

test('JSON products round-trip and are checked', () => {
  const p = parseProductJson('{"format":1,"name":"site","apps":[{"name":"web","version":"1.0","tag":"127.0.0.1:5000/web:1.0","imageId":"sha256:x","family":"web","repo":"lab"}]}', 'p.json');
  assert.deepEqual(parseProductJson(formatProductJson(p), 'again'), p);
  assert.throws(() => parseProductJson('{"format":2,"apps":[]}', 'p'), (e) => isDamError(e, 'STATE_TOO_NEW'));
  assert.throws(() => parseProductJson('{"format":1,"apps":[{"name":"Web","version":"1"}]}', 'p'), (e) => isDamError(e, 'INVALID_NAME'));
});
