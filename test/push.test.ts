// `dam push` to real local registries (plain HTTP; HTTPS with basic auth), then `dam info` of the pushed
// app read from the registry without pulling it into the engine.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Agent, fetch as undiciFetch } from 'undici';
import { dam, tempHome, uniqueName, TEST_LABEL } from './harness/dam.js';
import { baseImage, engineAvailable, testEngine } from './harness/engine.js';
import { startPlainRegistry, startTlsRegistry, type TestRegistry } from './harness/registries.js';
import { removeLabelled, tempDir, writeProject } from './harness/projects.js';

const RUN = `push-${randomBytes(3).toString('hex')}`;
const cleanups: Array<() => Promise<void>> = [];
const skip = !(await engineAvailable()) && 'no Docker engine answers';
let home: string;
let project: string;
let plain: TestRegistry;

before(async () => {
  const h = await tempHome();
  home = h.home;
  cleanups.push(h.cleanup);
  if (skip) return;
  const w = await tempDir('push');
  cleanups.push(w.cleanup);
  project = await writeProject(w.dir, 'app', {
    Dockerfile: `FROM ${await baseImage()}\nCOPY meta /meta\nCOPY big /big\n`,
    big: randomBytes(64 * 1024).toString('hex'),
    'meta/install.exp': { text: '#!/bin/sh\necho install ${DAM_APP_TAG}\n', mode: 0o755 },
    'meta/uninstall': { text: '#!/bin/sh\necho uninstall\n', mode: 0o755 },
    'meta/DESCRIPTION.exp': 'Pushed ${DAM_APP_NAME} ${DAM_APP_VERSION}.\n',
  });
  plain = await startPlainRegistry();
  cleanups.push(() => plain.stop());
});

after(async () => {
  if (!skip) await removeLabelled(RUN);
  for (const c of cleanups.reverse()) await c();
});

async function createApp(name: string, h = home): Promise<string> {
  const out = await dam(['create', project, '--name', name, '--label', `${TEST_LABEL}=${RUN}`, '--quiet', '--json'], {
    home: h,
    env: { DAM_APP_VERSION: '1.0' },
  });
  assert.equal(out.code, 0, out.stderr);
  return JSON.parse(out.stdout).tag;
}

async function registryTags(reg: TestRegistry, name: string): Promise<string[]> {
  const authorization = await reg.authorizationFor([name]);
  const dispatcher = reg.caFile ? new Agent({ connect: { ca: await readFile(reg.caFile, 'utf8') } }) : undefined;
  const res = await undiciFetch(`${reg.url}/v2/${name}/tags/list`, {
    headers: authorization ? { authorization } : {},
    ...(dispatcher ? { dispatcher } : {}),
  });
  return res.ok ? ((await res.json()) as { tags: string[] }).tags : [];
}

test(
  'push tags the app for the repo, pushes it with progress, and info reads it back from the registry',
  { skip },
  async () => {
    const name = uniqueName('pushed');
    assert.equal((await dam(['addrepo', '--name', 'lab', '--server', plain.host], { home })).code, 0);
    const tag = await createApp(name);
    assert.equal(tag, `${name}:1.0`);
    const out = await dam(['push', tag, '--repo', 'lab', '--json'], { home });
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(JSON.parse(out.stdout), {
      schemaVersion: 1,
      reference: `${plain.host}/${name}:1.0`,
      repository: 'lab',
      server: plain.host,
      imageId: JSON.parse(out.stdout).imageId,
      tagged: true,
    });
    assert.match(out.stderr, /Pushing '.*' to repository 'lab'/);
    assert.match(out.stderr, /Pushed|Layer already exists|digest: sha256/);
    assert.deepEqual(await registryTags(plain, name), ['1.0']);

    // Gone from the engine: info reads the registry (config blob for labels, layers for /meta).
    const engine = testEngine();
    await engine.removeImage(`${plain.host}/${name}:1.0`);
    await engine.removeImage(tag);
    const info = await dam(['info', `${plain.host}/${name}:1.0`, '--json'], { home });
    assert.equal(info.code, 0, info.stderr);
    const data = JSON.parse(info.stdout);
    assert.equal(data.source, 'registry');
    assert.equal(data.repository, 'lab');
    assert.match(data.id, /^sha256:/);
    assert.equal(data.description, `Pushed ${name} 1.0.\n`);
    assert.deepEqual([data.family, data.multiversion, data.servers], [name, false, ',']);
    assert.equal(data.labels.DAM_APP_NAME, name);
    assert.deepEqual(
      data.meta.map((e: { path: string; mode: number }) => [e.path, e.mode]),
      [
        ['DESCRIPTION', 0o644],
        ['DESCRIPTION.exp', 0o644],
        ['install', 0o755],
        ['install.exp', 0o755],
        ['uninstall', 0o755],
      ],
    );
    assert.ok(data.size > 100_000);
    assert.equal(await engine.inspectImage(`${plain.host}/${name}:1.0`), undefined, 'info did not pull the image');

    // A registry that is not a configured repo is read too (plain HTTP allowed on loopback).
    const { home: fresh, cleanup } = await tempHome();
    cleanups.push(cleanup);
    const adhoc = await dam(['info', `${plain.host}/${name}:1.0`, '--json'], { home: fresh });
    assert.equal(adhoc.code, 0, adhoc.stderr);
    assert.deepEqual(
      [JSON.parse(adhoc.stdout).repository, JSON.parse(adhoc.stdout).description],
      [plain.host, `Pushed ${name} 1.0.\n`],
    );

    // With the repo as default, a bare name:version finds it too; the text shows 1.x's label lines.
    assert.equal((await dam(['modifyrepo', '2', '--default'], { home })).code, 0);
    const text = await dam(['info', `${name}:1.0`], { home });
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      new RegExp(
        `^\\nPushed ${name} 1.0.\\n\\nLabel DAM_APP_FAMILY: '${name}'\\nLabel DAM_APP_MULTIVERSION: 'false'\\nLabel DAM_APP_SERVERS: ','\\n`,
      ),
    );
    assert.match(text.stdout, /Found: {6}repository 'lab'/);
    assert.equal((await dam(['modifyrepo', '2', '--default=false'], { home })).code, 0);
  },
);

test('push to the default repo uses the image when it already carries the repo tag', { skip }, async () => {
  const { home: h, cleanup } = await tempHome();
  cleanups.push(cleanup);
  assert.equal((await dam(['addrepo', '--name', 'lab', '--server', plain.host, '--default'], { home: h })).code, 0);
  const name = uniqueName('deflt');
  const tag = await createApp(name, h);
  assert.equal(tag, `${plain.host}/${name}:1.0`, 'create tagged it for the default repo');
  const out = await dam(['push', `${name}:1.0`, '--json'], { home: h });
  assert.equal(out.code, 0, out.stderr);
  assert.equal(JSON.parse(out.stdout).tagged, false);
  assert.deepEqual(await registryTags(plain, name), ['1.0']);
});

test(
  'push of a reference under a configured repository, without --repo, goes to that repository',
  { skip },
  async () => {
    const { home: h, cleanup } = await tempHome();
    cleanups.push(cleanup);
    // lab is not the default (Docker Hub is): the reference alone names it, as install and info read it.
    assert.equal((await dam(['addrepo', '--name', 'lab', '--server', plain.host], { home: h })).code, 0);
    const name = uniqueName('byref');
    const tag = await createApp(name, h);
    await testEngine().tagImage(tag, `${plain.host}/${name}:1.0`);
    const out = await dam(['push', `${plain.host}/${name}:1.0`, '--json'], { home: h });
    assert.equal(out.code, 0, out.stderr);
    assert.equal(JSON.parse(out.stdout).repository, 'lab');
    assert.equal(JSON.parse(out.stdout).tagged, false);
    assert.deepEqual(await registryTags(plain, name), ['1.0']);
  },
);

test(
  "push with the repo's credentials to an HTTPS registry with basic auth; a wrong password is refused clearly",
  { skip },
  async () => {
    const reg = await startTlsRegistry();
    cleanups.push(() => reg.stop());
    const { home: h, cleanup } = await tempHome();
    cleanups.push(cleanup);
    assert.equal(
      (
        await dam(
          ['addrepo', '--name', 'secure', '--server', reg.host, '--username', reg.username ?? '', '--password-stdin'],
          { home: h, input: reg.password },
        )
      ).code,
      0,
    );
    const name = uniqueName('secure');
    const tag = await createApp(name, h);
    const ok = await dam(['push', tag, '--repo', 'secure'], { home: h });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, `App '${reg.host}/${name}:1.0' was pushed to repository 'secure'.\n`);
    assert.deepEqual(await registryTags(reg, name), ['1.0']);
    const info = await dam(['info', `${reg.host}/${name}:1.0`, '--json'], { home: h });
    assert.equal(info.code, 0, info.stderr);
    assert.equal(JSON.parse(info.stdout).source, 'local', 'the pushed tag is still local');

    assert.equal((await dam(['modifyrepo', '2', '--password-stdin'], { home: h, input: 'wrong-password' })).code, 0);
    const other = uniqueName('refused');
    const otherTag = await createApp(other, h);
    const refused = await dam(['push', otherTag, '--repo', 'secure'], { home: h });
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      new RegExp(`Repository 'secure' \\(${reg.host}\\) did not take '${reg.host}/${other}:1.0'`),
    );
    assert.match(refused.stderr, /hint: .*dam modifyrepo 2 --username NAME --password-stdin/);
    assert.deepEqual(await registryTags(reg, other), []);
    assert.equal(
      await testEngine().inspectImage(`${reg.host}/${other}:1.0`),
      undefined,
      'the tag push added is gone again',
    );
    assert.ok(await testEngine().inspectImage(otherTag), 'the app itself stays');
  },
);

test('push of an image that is not there, or to an unknown repo, fails clearly', { skip }, async () => {
  const missing = await dam(['push', 'not-built-here:9.9', '--repo', 'lab'], { home });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /There is no local image 'not-built-here:9.9'/);
  const name = uniqueName('norepo');
  const tag = await createApp(name);
  const unknown = await dam(['push', tag, '--repo', 'nope'], { home });
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /nope/);
});
