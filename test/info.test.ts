// `dam info` on local images: DAM 1.x apps (exact labels and tag form) and DAM 2 apps, DESCRIPTION, the
// files in /meta, size, creation date, install state, default-repo resolution, and clear failures that
// leave no temporary container behind. Reading from a registry is in push.test.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dam, tempHome, uniqueName, TEST_LABEL } from './harness/dam.js';
import { baseImage, engineAvailable, testEngine } from './harness/engine.js';
import { freePort } from './harness/registries.js';
import { buildLegacyApp } from './harness/legacy-app.js';
import { removeLabelled, tempDir, writeProject } from './harness/projects.js';

const RUN = `info-${randomBytes(3).toString('hex')}`;
let home: string;
const cleanups: Array<() => Promise<void>> = [];
const skip = !(await engineAvailable()) && 'no Docker engine answers';

before(async () => {
  const h = await tempHome();
  home = h.home;
  cleanups.push(h.cleanup);
  if (!skip) await baseImage();
});

after(async () => {
  if (!skip) await removeLabelled(RUN);
  for (const c of cleanups.reverse()) await c();
});

async function temporaryContainers(imageId: string): Promise<number> {
  return (await testEngine().listContainers({ all: true, labels: ['dam.temporary'] })).filter(
    (c) => c.imageId === imageId,
  ).length;
}

test(
  "an app made by DAM 1.x (only its three labels, name:version tag) reads as 1.x's info shows it",
  { skip },
  async () => {
    const name = uniqueName('legacy');
    const id = await buildLegacyApp({
      tag: `${name}:1.0.7`,
      labels: { DAM_APP_FAMILY: 'legacyfam', DAM_APP_MULTIVERSION: 'true', DAM_APP_SERVERS: 'localhost:5000,' },
      testLabel: RUN,
      description: 'A DAM 1.x app.\nSecond line.\n',
    });
    const out = await dam(['info', `${name}:1.0.7`], { home });
    assert.equal(out.code, 0, out.stderr);
    assert.ok(
      out.stdout.startsWith(
        "\nA DAM 1.x app.\nSecond line.\n\nLabel DAM_APP_FAMILY: 'legacyfam'\nLabel DAM_APP_MULTIVERSION: 'true'\nLabel DAM_APP_SERVERS: 'localhost:5000,'\n\n",
      ),
      out.stdout,
    );
    assert.match(
      out.stdout,
      /Files in \/meta:\n {2}rw-r--r-- +\d+ B {2}DESCRIPTION\n {2}rwxrwxrwx +\d+ B {2}install\n {2}rwxrwxrwx +\d+ B {2}uninstall/,
    );
    assert.match(out.stdout, /Installed: {2}no/);
    const json = JSON.parse((await dam(['info', `${name}:1.0.7`, '--json'], { home })).stdout);
    assert.deepEqual(
      [json.name, json.version, json.family, json.multiversion, json.servers, json.source, json.id],
      [name, '1.0.7', 'legacyfam', true, 'localhost:5000,', 'local', id],
    );
    assert.equal(json.description, 'A DAM 1.x app.\nSecond line.\n');
    assert.deepEqual(
      json.meta.map((e: { path: string; mode: number }) => [e.path, e.mode]),
      [
        ['DESCRIPTION', 0o644],
        ['install', 0o777],
        ['uninstall', 0o777],
      ],
    );
    assert.equal(await temporaryContainers(id), 0, 'the container that read /meta is gone');
  },
);

test('labels missing: family falls back to the image name, multiversion to false (as 1.x)', { skip }, async () => {
  const name = uniqueName('nolabels');
  await buildLegacyApp({ tag: `${name}:2`, labels: { DAM_APP_MULTIVERSION: 'yes' }, testLabel: RUN });
  const out = await dam(['info', `${name}:2`], { home });
  assert.equal(out.code, 0, out.stderr);
  assert.ok(
    out.stdout.startsWith(
      `\nLabel DAM_APP_FAMILY: '${name}'\nLabel DAM_APP_MULTIVERSION: 'false'\nLabel DAM_APP_SERVERS: ''\n`,
    ),
    out.stdout,
  );
});

test(
  'a DAM 2 app: DESCRIPTION, every label, size, created date, /meta files, and when it was installed',
  { skip },
  async () => {
    const { dir, cleanup } = await tempDir('info');
    cleanups.push(cleanup);
    const name = uniqueName('modern');
    const project = await writeProject(dir, 'p', {
      Dockerfile: `FROM ${await baseImage()}\nCOPY meta /meta\n`,
      'meta/install.exp': { text: '#!/bin/sh\necho ${DAM_APP_NAME}\n', mode: 0o644 },
      'meta/uninstall': { text: '#!/bin/sh\n', mode: 0o755 },
      'meta/DESCRIPTION.exp': 'Modern ${DAM_APP_NAME}.\n',
      'meta/conf/app.conf': 'x=1\n',
    });
    const created = await dam(['create', project, '--name', name, '--label', `${TEST_LABEL}=${RUN}`, '--json'], {
      home,
      env: { DAM_APP_VERSION: '4.2' },
    });
    assert.equal(created.code, 0, created.stderr);
    const { imageId, tag } = JSON.parse(created.stdout);
    const info = JSON.parse((await dam(['info', tag, '--json'], { home })).stdout);
    assert.equal(info.description, `Modern ${name}.\n`);
    assert.equal(info.labels.DAM_APP_NAME, name);
    assert.equal(info.labels['org.opencontainers.image.version'], '4.2');
    assert.ok(info.size > 1_000_000, 'the busybox base is counted');
    assert.ok(Math.abs(Date.parse(info.created) - Date.now()) < 600_000);
    assert.deepEqual(
      info.meta.map((e: { path: string; type: string }) => `${e.type}:${e.path}`),
      [
        'file:DESCRIPTION',
        'file:DESCRIPTION.exp',
        'directory:conf',
        'file:conf/app.conf',
        'file:install',
        'file:install.exp',
        'file:uninstall',
      ],
    );
    assert.equal(info.installed, null);

    // Installed, as install records it (by image id), and as DAM 1.x's database import records it (12-hex id).
    const statePath = join(home, 'state.json');
    const state = JSON.parse(await readFile(statePath, 'utf8'));
    const app = {
      id: state.nextAppId,
      name,
      version: '4.2',
      tag,
      imageId,
      repoId: 1,
      family: name,
      multiversion: false,
      installedAt: '2026-01-02T03:04:05.000Z',
    };
    await writeFile(
      statePath,
      JSON.stringify({ ...state, apps: [...state.apps, app], nextAppId: state.nextAppId + 1 }),
    );
    const text = await dam(['info', tag], { home });
    assert.match(text.stdout, new RegExp(`Installed: {2}yes, as '${name}:4.2' on 2026-01-02T03:04:05.000Z`));
    await writeFile(
      statePath,
      JSON.stringify({
        ...state,
        apps: [...state.apps, { ...app, tag: 'other:1', imageId: imageId.slice(7, 19), installedAt: '' }],
        nextAppId: state.nextAppId + 1,
      }),
    );
    assert.deepEqual(JSON.parse((await dam(['info', tag, '--json'], { home })).stdout).installed, {
      appId: app.id,
      tag: 'other:1',
      installedAt: '',
    });
    await writeFile(statePath, JSON.stringify(state));
  },
);

test('name:version resolves against the default repo first, as install does', { skip }, async () => {
  const { home: h, cleanup } = await tempHome();
  cleanups.push(cleanup);
  const name = uniqueName('prefixed');
  const server = `127.0.0.1:${await freePort()}`;
  assert.equal((await dam(['addrepo', '--name', 'lab', '--server', server, '--default'], { home: h })).code, 0);
  await buildLegacyApp({ tag: `${server}/${name}:1.0`, labels: { DAM_APP_FAMILY: 'prefixed' }, testLabel: RUN });
  const out = await dam(['info', `${name}:1.0`, '--json'], { home: h });
  assert.equal(out.code, 0, out.stderr);
  assert.equal(JSON.parse(out.stdout).reference, `${server}/${name}:1.0`);
});

test('an image without /meta is not an app: exit 1, and no container is left', { skip }, async () => {
  const name = uniqueName('nometa');
  const id = await buildLegacyApp({ tag: `${name}:1`, labels: {}, testLabel: RUN, noMeta: true });
  const out = await dam(['info', `${name}:1`], { home });
  assert.equal(out.code, 1);
  assert.match(out.stderr, new RegExp(`The image '${name}:1' has no /meta folder`));
  assert.equal(await temporaryContainers(id), 0);
});

test('not local and not in the registry: a clear error', { skip }, async () => {
  const { home: h, cleanup } = await tempHome();
  cleanups.push(cleanup);
  const server = `127.0.0.1:${await freePort()}`;
  assert.equal((await dam(['addrepo', '--name', 'gone', '--server', server, '--default'], { home: h })).code, 0);
  const out = await dam(['info', 'nothere:1.0'], { home: h });
  assert.equal(out.code, 1);
  assert.match(out.stderr, new RegExp(`nothere:1.0|${server}`));
  const bad = await dam(['info', 'no-version'], { home: h });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /version is missing/);
});

test(
  "labels are shown once, in one style: the app's first, the inherited ones apart, descriptions on real lines",
  { skip },
  async () => {
    const { dir, cleanup } = await tempDir('info-labels');
    cleanups.push(cleanup);
    const name = uniqueName('labelled');
    // LABELs before the app's own stand for what a base image brings.
    const project = await writeProject(dir, 'p', {
      Dockerfile: `FROM ${await baseImage()}\nLABEL vendor.example="Base Corp" org.opencontainers.image.source="https://base.example/src"\nCOPY meta /meta\n`,
      'meta/install': { text: '#!/bin/sh\n', mode: 0o755 },
      'meta/uninstall': { text: '#!/bin/sh\n', mode: 0o755 },
      'meta/DESCRIPTION': 'Line one.\nLine two.\n',
    });
    const created = await dam(
      ['create', project, '--name', name, '--version', '3.0', '--label', `${TEST_LABEL}=${RUN}`],
      { home },
    );
    assert.equal(created.code, 0, created.stderr);
    const out = await dam(['info', `${name}:3.0`], { home });
    assert.equal(out.code, 0, out.stderr);
    assert.ok(
      out.stdout.startsWith(
        `\nLine one.\nLine two.\n\nLabel DAM_APP_FAMILY: '${name}'\nLabel DAM_APP_MULTIVERSION: 'false'\nLabel DAM_APP_SERVERS: ','\nLabel DAM_APP_NAME: '${name}'\nLabel DAM_APP_VERSION: '3.0'\n`,
      ),
      out.stdout,
    );
    assert.doesNotMatch(out.stdout, /\\n/, 'no literal \\n');
    for (const key of [
      'DAM_APP_NAME',
      'org.opencontainers.image.title',
      'vendor.example',
      'org.opencontainers.image.source',
    ]) {
      assert.equal(out.stdout.split(`${key}:`).length, 2, `${key} is shown once`);
    }
    assert.doesNotMatch(
      out.stdout,
      /org\.opencontainers\.image\.description/,
      'the description label repeats DESCRIPTION, shown above',
    );
    assert.doesNotMatch(out.stdout, /\w=\w/, 'one style: no KEY=VALUE lines');
    const [app, other] = out.stdout.split(/^Other labels.*$/m);
    assert.doesNotMatch(app ?? '', /vendor\.example|image\.source/, "inherited labels are not mixed with the app's");
    assert.match(other ?? '', /^ {2}Label vendor\.example: 'Base Corp'$/m);
    assert.match(other ?? '', /^ {2}Label org\.opencontainers\.image\.source: 'https:\/\/base\.example\/src'$/m);
    const json = JSON.parse((await dam(['info', `${name}:3.0`, '--json'], { home })).stdout);
    assert.equal(json.appLabels['org.opencontainers.image.version'], '3.0');
    assert.equal(json.otherLabels['vendor.example'], 'Base Corp');
    assert.equal(json.labels['vendor.example'], 'Base Corp');
  },
);

test('info of a file that does not exist says so, whatever its name', async () => {
  for (const file of ['./nosuch.bundle', 'nosuch.dam', '/tmp/nosuch-dir/x.tar']) {
    const out = await dam(['info', file], { home });
    assert.equal(out.code, 1, file);
    assert.match(out.stderr, new RegExp(`The file '${file.replace(/\./g, '\\.')}' does not exist`), file);
    assert.doesNotMatch(out.stderr, /version is missing/);
  }
});
