import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDamError } from './errors.js';
import { checkInstallable, findInstalled } from './install-rules.js';
import { initialState, type InstalledApp, type State } from './state.js';

const app = (id: number, name: string, version: string, family: string, multiversion = false): InstalledApp => ({
  id,
  name,
  version,
  tag: `reg/${name}:${version}`,
  imageId: `sha256:${id}`,
  repoId: 1,
  family,
  multiversion,
  installedAt: '',
});

const host = (...apps: InstalledApp[]): State => ({ ...initialState(), apps, nextAppId: apps.length });

const webOne = app(0, 'web', '1.0', 'web');
const dbMulti = app(1, 'db', '5', 'db', true);

// DAM 1.x's family rule (dam-1x-spec.md): one app per family, unless the newcomer is multiversion.
const cases: Array<{
  name: string;
  state: State;
  candidate: { name: string; version: string; family: string; multiversion: boolean };
  replacing?: InstalledApp;
  refused?: RegExp;
}> = [
  {
    name: 'an empty host takes any app',
    state: host(),
    candidate: { name: 'web', version: '1.0', family: 'web', multiversion: false },
  },
  {
    name: 'the same name:version is refused',
    state: host(webOne),
    candidate: { name: 'web', version: '1.0', family: 'web', multiversion: true },
    refused: /web:1.0 is already installed/,
  },
  {
    name: 'another version of an installed family is refused, with upgrade as the hint',
    state: host(webOne),
    candidate: { name: 'web', version: '2.0', family: 'web', multiversion: false },
    refused: /family 'web', of which web:1.0 is installed/,
  },
  {
    name: 'another app of an installed family is refused',
    state: host(webOne),
    candidate: { name: 'site', version: '1', family: 'web', multiversion: false },
    refused: /family 'web'/,
  },
  {
    name: 'a multiversion newcomer joins its family',
    state: host(webOne),
    candidate: { name: 'web', version: '2.0', family: 'web', multiversion: true },
  },
  {
    name: 'an installed multiversion app does not let a single-version one in',
    state: host(dbMulti),
    candidate: { name: 'db', version: '6', family: 'db', multiversion: false },
    refused: /family 'db'/,
  },
  {
    name: 'another family is no rival',
    state: host(webOne),
    candidate: { name: 'db', version: '5', family: 'db', multiversion: false },
  },
  {
    name: 'an upgrade does not count the app it replaces',
    state: host(webOne),
    candidate: { name: 'web', version: '2.0', family: 'web', multiversion: false },
    replacing: webOne,
  },
  {
    name: 'an upgrade to the version already installed beside it is refused',
    state: host(webOne, app(2, 'web', '2.0', 'web', true)),
    candidate: { name: 'web', version: '2.0', family: 'web', multiversion: true },
    replacing: webOne,
    refused: /web:2.0 is already installed/,
  },
  {
    name: 'a bad family name is refused',
    state: host(),
    candidate: { name: 'web', version: '1', family: 'bad family!', multiversion: false },
    refused: /./,
  },
];

for (const c of cases) {
  test(`family rule: ${c.name}`, () => {
    const check = () => checkInstallable(c.state, c.candidate, c.replacing);
    if (c.refused)
      assert.throws(
        check,
        (e) =>
          isDamError(e) &&
          (e.code === 'CONFLICT' || c.candidate.family.includes(' ')) &&
          c.refused!.test(e.message) &&
          Boolean(e.hint),
      );
    else assert.doesNotThrow(check);
  });
}

test('the refusal hint says upgrade for the same name and remove for another app', () => {
  assert.throws(
    () => checkInstallable(host(webOne), { name: 'web', version: '2', family: 'web', multiversion: false }),
    (e) => isDamError(e) && /dam upgrade web:2/.test(e.hint ?? ''),
  );
  assert.throws(
    () => checkInstallable(host(webOne), { name: 'site', version: '2', family: 'web', multiversion: false }),
    (e) => isDamError(e) && /Remove web:1.0 first/.test(e.hint ?? ''),
  );
});

const two = host(webOne, app(1, 'web', '2.0', 'web', true), app(2, 'db', '5', 'db', true));
const finds: Array<[string, string, number | RegExp]> = [
  ['by full tag', 'reg/web:2.0', 1],
  ['by name:version', 'web:1.0', 0],
  ['by name when only one version is installed', 'db', 2],
  ['by a tag with another registry, on its name:version', 'other/web:2.0', 1],
  ['a name with several versions is ambiguous', 'web', /Several versions of 'web' are installed: 1.0, 2.0/],
  ['an unknown name', 'nope', /No installed app matches 'nope'/],
  ['an unknown version', 'web:3', /No installed app matches 'web:3'/],
];

for (const [name, text, want] of finds) {
  test(`findInstalled: ${name}`, () => {
    if (typeof want === 'number') assert.equal(findInstalled(two, text).id, want);
    else
      assert.throws(
        () => findInstalled(two, text),
        (e) => isDamError(e) && want.test(e.message),
      );
  });
}
