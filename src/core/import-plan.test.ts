import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planImport, isEmptyPlan } from './import-plan.js';
import { parseTextList, formatTextList, parseProductJson, formatProductJson, type Product } from './product.js';
import { initialState, type InstalledApp } from './state.js';
import { isDamError } from './errors.js';

const app = (id: number, name: string, version: string): InstalledApp => ({
  id,
  name,
  version,
  tag: `${name}:${version}`,
  imageId: `sha256:${id}`,
  repoId: 1,
  family: name,
  multiversion: false,
  installedAt: '',
});

test('the plan keeps, upgrades, installs and removes', () => {
  const state = initialState();
  state.apps.push(
    app(0, 'web', '1.0'),
    app(1, 'db', '2.0'),
    app(2, 'old', '1'),
    app(3, 'multi', '1'),
    app(4, 'multi', '2'),
  );
  const product = parseTextList('web:1.1\ndb:2.0\nnew:1\nmulti:3\n', 'list');
  const plan = planImport(state, product, { restore: false });
  assert.deepEqual(
    plan.keep.map((a) => a.tag),
    ['db:2.0'],
  );
  assert.deepEqual(
    plan.upgrade.map((u) => `${u.from.tag}->${u.to.version}`),
    ['web:1.0->1.1'],
  );
  assert.deepEqual(
    plan.install.map((a) => `${a.name}:${a.version}`),
    ['new:1', 'multi:3'],
  );
  assert.deepEqual(
    plan.remove.map((a) => a.tag),
    ['old:1', 'multi:1', 'multi:2'],
  );
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
  assert.throws(
    () => parseTextList('web:1.0\nbroken\n', 'apps.txt'),
    (e) => isDamError(e, 'ARCHIVE_INVALID') && /apps\.txt, line 2/.test(e.message),
  );
  assert.throws(() => parseTextList('web:1.0\nweb:1.0\n', 'l'), /listed twice/);
  assert.throws(() => parseTextList('a:b:c\n', 'l'), /not name:version/);
});

test('JSON products round-trip and are checked', () => {
  const p = parseProductJson(
    '{"format":1,"name":"site","apps":[{"name":"web","version":"1.0","tag":"127.0.0.1:5000/web:1.0","imageId":"sha256:x","family":"web","repo":"lab"}]}',
    'p.json',
  );
  assert.deepEqual(parseProductJson(formatProductJson(p), 'again'), p);
  assert.throws(
    () => parseProductJson('{"format":2,"apps":[]}', 'p'),
    (e) => isDamError(e, 'STATE_TOO_NEW'),
  );
  assert.throws(
    () => parseProductJson('{"format":1,"apps":[{"name":"Web","version":"1"}]}', 'p'),
    (e) => isDamError(e, 'INVALID_NAME'),
  );
});

const owned = (id: number, name: string, version: string, product?: string): InstalledApp => ({
  ...app(id, name, version),
  ...(product === undefined ? {} : { product }),
});
const named = (name: string, apps: string) => ({ ...parseTextList(apps, name), name });
const show = (p: ReturnType<typeof planImport>) => ({
  scope: p.scope,
  keep: p.keep.map((a) => a.tag),
  remove: p.remove.map((a) => a.tag),
  upgrade: p.upgrade.map((u) => `${u.from.tag}->${u.to.version}`),
  install: p.install.map((a) => `${a.name}:${a.version}`),
  claim: p.claim.map((a) => a.tag),
});

test('a named product converges only its own apps', () => {
  const state = initialState();
  state.apps.push(
    owned(0, 'web', '1', 'a'),
    owned(1, 'old', '1', 'a'),
    owned(2, 'db', '1', 'b'),
    owned(3, 'tool', '1'),
    owned(4, 'cli', '2'),
  );
  const cases: Array<[string, string, ReturnType<typeof show>]> = [
    [
      'upgrade, drop and add; b and hand apps stay',
      'web:2\nnew:1\n',
      { scope: 'product', keep: [], remove: ['old:1'], upgrade: ['web:1->2'], install: ['new:1'], claim: [] },
    ],
    [
      'an app installed by hand at the wanted version is kept, not taken',
      'web:1\nold:1\ncli:2\n',
      { scope: 'product', keep: ['web:1', 'old:1', 'cli:2'], remove: [], upgrade: [], install: [], claim: [] },
    ],
    [
      'an empty named product removes only its own apps',
      '',
      { scope: 'product', keep: [], remove: ['web:1', 'old:1'], upgrade: [], install: [], claim: [] },
    ],
  ];
  for (const [why, list, want] of cases)
    assert.deepEqual(show(planImport(state, named('a', list), { restore: false })), want, why);
});

test('a new product beside another installs only its own apps', () => {
  const state = initialState();
  state.apps.push(owned(0, 'web', '1', 'a'));
  assert.deepEqual(show(planImport(state, named('b', 'db:1\n'), { restore: false })), {
    scope: 'product',
    keep: [],
    remove: [],
    upgrade: [],
    install: ['db:1'],
    claim: [],
  });
});

test('conflicts with apps a product does not own are refused at plan time, naming both', () => {
  const state = initialState();
  state.apps.push(
    owned(0, 'web', '1', 'a'),
    { ...owned(1, 'pg', '15', 'a'), family: 'database' },
    owned(2, 'tool', '1'),
  );
  const refused: Array<[string, Product, RegExp]> = [
    [
      'the same app at another version',
      named('b', 'web:2\n'),
      /Product 'b' wants web:2.*product 'a'.*another version \(web:1/,
    ],
    ['the same app at the same version', named('b', 'web:1\n'), /Product 'b' wants web:1.*belongs to product 'a'/],
    [
      'the same family',
      { ...named('b', ''), apps: [{ name: 'mysql', version: '8', family: 'database' }] },
      /Product 'b' wants mysql:8.*product 'a'.*family 'database'/,
    ],
    [
      'an app installed by hand at another version',
      named('b', 'tool:2\n'),
      /Product 'b' wants tool:2.*installed by hand/,
    ],
  ];
  for (const [why, product, message] of refused) {
    assert.throws(
      () => planImport(state, product, { restore: false }),
      (e) => isDamError(e, 'CONFLICT') && message.test(e.message) && /--exact/.test(e.hint ?? ''),
      why,
    );
  }
});

test('an unnamed list and --exact are whole-host; kept apps change product', () => {
  const state = initialState();
  state.apps.push(owned(0, 'web', '1', 'a'), owned(1, 'db', '1', 'b'), owned(2, 'tool', '1'));
  assert.deepEqual(show(planImport(state, parseTextList('web:1\n', 'l'), { restore: false })), {
    scope: 'host',
    keep: ['web:1'],
    remove: ['db:1', 'tool:1'],
    upgrade: [],
    install: [],
    claim: ['web:1'],
  });
  assert.deepEqual(show(planImport(state, named('b', 'db:2\ntool:1\n'), { restore: false, exact: true })), {
    scope: 'host',
    keep: ['tool:1'],
    remove: ['web:1'],
    upgrade: ['db:1->2'],
    install: [],
    claim: ['tool:1'],
  });
  assert.ok(isEmptyPlan(planImport(state, named('a', 'web:1\n'), { restore: false })));
  assert.ok(!isEmptyPlan(planImport(state, named('a', 'web:1\ndb:1\ntool:1\n'), { restore: false, exact: true })));
});
