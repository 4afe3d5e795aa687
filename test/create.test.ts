// `dam create` on the real engine: variable sources and their order, templates rendered into the image
// but never into the project, warnings, .dockerignore, checks before building, build failures, labels
// exactly as DAM 1.x writes them, and the two example apps working end to end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { access } from 'node:fs/promises';
import { basename } from 'node:path';
import { randomBytes } from 'node:crypto';
import { dam, tempHome, uniqueName, TEST_LABEL } from './harness/dam.js';
import { baseImage, engineAvailable, testEngine } from './harness/engine.js';
import { freePort } from './harness/registries.js';
import {
  copyExample,
  docker,
  removeLabelled,
  runInImage,
  snapshot,
  tempDir,
  writeProject,
} from './harness/projects.js';

const RUN = `create-${randomBytes(3).toString('hex')}`;
const LABEL = ['--label', `${TEST_LABEL}=${RUN}`];
let home: string;
let work: string;
let base: string;
const cleanups: Array<() => Promise<void>> = [];
const skip = !(await engineAvailable()) && 'no Docker engine answers';

before(async () => {
  const h = await tempHome();
  const w = await tempDir('create');
  ({ home } = h);
  work = w.dir;
  cleanups.push(h.cleanup, w.cleanup);
  if (!skip) base = await baseImage();
});

after(async () => {
  if (!skip) await removeLabelled(RUN);
  for (const c of cleanups.reverse()) await c();
});

const meta = (install = '#!/bin/sh\necho installed\n') => ({
  'meta/install': { text: install, mode: 0o755 },
  'meta/uninstall': { text: '#!/bin/sh\necho removed\n', mode: 0o755 },
});

async function create(args: string[], env: Record<string, string> = {}, h = home) {
  return dam(['create', ...args, ...LABEL], { home: h, env, timeoutMs: 180_000 });
}

test(
  'variables: flags, then ENVIRONMENT, then Dockerfile ENV, then DAM_* environment; templates rendered in the image only',
  { skip },
  async () => {
    const name = uniqueName('prec');
    const dir = await writeProject(work, 'prec', {
      Dockerfile: `FROM ${base}\nENV DAM_APP_VERSION=from-dockerfile\nENV DAM_APP_FAMILY=fam-dockerfile\nENV FROM_DOCKERFILE=df\nENV SHARED=df\nCOPY meta /meta\n`,
      ENVIRONMENT: '# comment\nDAM_APP_VERSION=from-envfile\nSHARED=envfile\nSPACED = kept\n',
      ...meta(),
      'meta/vars.exp':
        'name=${DAM_APP_NAME}\r\nversion=${DAM_APP_VERSION}\r\nfamily=${DAM_APP_FAMILY}\nmv=${DAM_APP_MULTIVERSION}\ntag=${DAM_APP_TAG}\nservers=${DAM_APP_SERVERS}\nshared=${SHARED}\ndf=${FROM_DOCKERFILE}\nos=${DAM_FROM_OS}\nspaced=${SPACED }\nshell=${HOME} $DAM_APP_NAME ${DAM_APP_TAG:-x}\nunset=${DAM_NOT_SET}',
      'meta/sub/deep.txt.exp': '${DAM_APP_NAME}\n',
    });
    const before = await snapshot(dir);
    const out = await create([dir, '--name', name, '--json'], {
      DAM_FROM_OS: 'os-value',
      DAM_APP_FAMILY: 'fam-os',
      DAM_APP_NAME: 'ignored-os-name',
    });
    assert.equal(out.code, 0, out.stderr);
    const data = JSON.parse(out.stdout);
    assert.equal(data.tag, `${name}:from-envfile`);
    assert.deepEqual(
      [data.name, data.version, data.family, data.multiversion, data.servers],
      [name, 'from-envfile', 'fam-dockerfile', false, ','],
    );
    assert.match(data.imageId, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(await snapshot(dir), before, 'the project folder is untouched');

    const vars = await runInImage(data.tag, ['cat', '/meta/vars']);
    assert.equal(
      vars,
      `name=${name}\r\nversion=from-envfile\r\nfamily=fam-dockerfile\nmv=false\ntag=${name}:from-envfile\nservers=,\nshared=envfile\ndf=df\nos=os-value\nspaced= kept\nshell=\${HOME} $DAM_APP_NAME \${DAM_APP_TAG:-x}\nunset=\${DAM_NOT_SET}`,
    );
    assert.equal(await runInImage(data.tag, ['cat', '/meta/sub/deep.txt']), `${name}\n`);
    const modes = await runInImage(data.tag, [
      'stat',
      '-c',
      '%a %n',
      '/meta/install',
      '/meta/uninstall',
      '/meta/vars.exp',
    ]);
    assert.equal(modes, '755 /meta/install\n755 /meta/uninstall\n644 /meta/vars.exp\n');
    assert.match(out.stderr, /warning: meta\/vars\.exp: \$\{DAM_NOT_SET\} has no value/);
    assert.doesNotMatch(out.stderr, /HOME/, 'non-DAM placeholders are left alone without a warning');
    assert.deepEqual(data.warnings, ['meta/vars.exp: ${DAM_NOT_SET} has no value in any source; it is left as it is.']);
  },
);

test("labels are exactly DAM 1.x's three, plus name, version and OCI ones; text output as 1.x", { skip }, async () => {
  const name = uniqueName('labels');
  const dir = await writeProject(work, 'labels', {
    Dockerfile: `FROM ${base}\nCOPY meta /meta\n`,
    ENVIRONMENT: 'DAM_APP_VERSION=2.5\nDAM_APP_SERVERS=test,,test3,test3\n',
    ...meta(),
    'meta/DESCRIPTION.exp': 'The ${DAM_APP_NAME} app.\n',
  });
  const out = await create([dir, '--name', name, '--family', 'tools', '--multiversion', '--label', 'team=ops']);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stdout, `App '${name}:2.5' was created.\n`);
  const image = await testEngine().inspectImage(`${name}:2.5`);
  assert.ok(image);
  const { labels } = image;
  assert.equal(labels.DAM_APP_FAMILY, 'tools');
  assert.equal(labels.DAM_APP_MULTIVERSION, 'true');
  assert.equal(
    labels.DAM_APP_SERVERS,
    'test,test3,',
    "1.x's normalisation: sorted, the empty (Docker Hub) element last",
  );
  assert.equal(labels.DAM_APP_NAME, name);
  assert.equal(labels.DAM_APP_VERSION, '2.5');
  assert.equal(labels['org.opencontainers.image.title'], name);
  assert.equal(labels['org.opencontainers.image.version'], '2.5');
  assert.equal(labels['org.opencontainers.image.description'], `The ${name} app.`);
  assert.ok(Math.abs(Date.parse(labels['org.opencontainers.image.created'] ?? '') - Date.now()) < 600_000);
  assert.equal(labels.team, 'ops');
  assert.equal(labels[TEST_LABEL], RUN);
});

test(
  'DAM_APP_MULTIVERSION from ENVIRONMENT counts (1.x ignored it); --no-multiversion overrides it',
  { skip },
  async () => {
    const name = uniqueName('mv');
    const dir = await writeProject(work, 'mv', {
      Dockerfile: `FROM ${base}\nCOPY meta /meta\n`,
      ENVIRONMENT: `DAM_APP_NAME=${name}\nDAM_APP_VERSION=1\nDAM_APP_MULTIVERSION=true\n`,
      ...meta(),
    });
    let out = await create([dir]);
    assert.equal(out.code, 0, out.stderr);
    assert.equal((await testEngine().inspectImage(`${name}:1`))?.labels.DAM_APP_MULTIVERSION, 'true');
    out = await create([dir, '--no-multiversion']);
    assert.equal(out.code, 0, out.stderr);
    assert.equal((await testEngine().inspectImage(`${name}:1`))?.labels.DAM_APP_MULTIVERSION, 'false');
  },
);

test(
  'the name falls back to the project folder; the version to SNAPSHOT; the tag carries the default repo',
  { skip },
  async () => {
    const folder = uniqueName('folder');
    const dir = await writeProject(work, folder, { Dockerfile: `FROM ${base}\nCOPY ./meta /meta/\n`, ...meta() });
    const { home: h, cleanup } = await tempHome();
    try {
      let out = await create([dir, '--json'], {}, h);
      assert.equal(out.code, 0, out.stderr);
      assert.equal(JSON.parse(out.stdout).tag, `${folder}:SNAPSHOT`);
      assert.equal(
        (await dam(['addrepo', '--name', 'lab', '--server', '127.0.0.1:5999', '--default'], { home: h })).code,
        0,
      );
      out = await create([dir, '--json'], { DAM_APP_SERVERS: 'localhost:5000,' }, h);
      assert.equal(out.code, 0, out.stderr);
      const data = JSON.parse(out.stdout);
      assert.equal(data.tag, `127.0.0.1:5999/${folder}:SNAPSHOT`);
      assert.equal(data.servers, '127.0.0.1:5999,localhost:5000,');
      assert.equal(
        (await testEngine().inspectImage(data.tag))?.labels.DAM_APP_SERVERS,
        '127.0.0.1:5999,localhost:5000,',
      );
    } finally {
      await cleanup();
    }
  },
);

test('.dockerignore is honoured, with exceptions, as docker build honours it', { skip }, async () => {
  const name = uniqueName('ignore');
  const dir = await writeProject(work, 'ignore', {
    Dockerfile: `FROM ${base}\nCOPY meta /meta\nCOPY . /ctx\n`,
    '.dockerignore': '# comment\nsecret.txt\nlogs\ndocs/*\n!docs/keep.md\nDockerfile\nmeta/*.bak\n',
    'secret.txt': 'secret',
    'logs/a.log': 'log',
    'docs/drop.md': 'drop',
    'docs/keep.md': 'keep',
    'kept.txt': 'kept',
    'meta/old.bak': 'bak',
    ...meta(),
  });
  const out = await create([dir, '--name', name, '--json']);
  assert.equal(out.code, 0, out.stderr);
  const files = (await runInImage(`${name}:SNAPSHOT`, ['find', '/ctx', '/meta', '-type', 'f']))
    .split('\n')
    .filter(Boolean)
    .sort();
  // An ignored Dockerfile is still sent (the build needs it) but, as with docker build, not copied.
  assert.deepEqual(files, [
    '/ctx/.dockerignore',
    '/ctx/docs/keep.md',
    '/ctx/kept.txt',
    '/ctx/meta/install',
    '/ctx/meta/uninstall',
    '/meta/install',
    '/meta/uninstall',
  ]);
});

test('a .dockerignore that drops meta/install is refused before building', async () => {
  const dir = await writeProject(work, 'ignore-meta', {
    Dockerfile: 'FROM scratch\nCOPY meta /meta\n',
    '.dockerignore': 'meta/install\n',
    ...meta(),
  });
  const out = await create([dir, '--name', uniqueName('x')]);
  assert.equal(out.code, 1);
  assert.match(
    out.stderr,
    /'.*ignore-meta\/meta\/install' is left out of the build by '.*ignore-meta\/\.dockerignore'/,
  );
});

test('layout and names are checked before anything is built, naming the path', async () => {
  const good = { Dockerfile: 'FROM scratch\nCOPY meta /meta\n', ...meta() };
  const cases: Array<[string, Record<string, unknown>, string[], RegExp]> = [
    ['no-meta', { Dockerfile: good.Dockerfile }, [], /no meta directory '.*no-meta\/meta'/],
    ['no-dockerfile', meta(), [], /no Dockerfile '.*no-dockerfile\/Dockerfile'/],
    [
      'no-uninstall',
      { Dockerfile: good.Dockerfile, 'meta/install': { text: '#!/bin/sh\n', mode: 0o755 } },
      [],
      /Neither '.*no-uninstall\/meta\/uninstall' nor '.*no-uninstall\/meta\/uninstall\.exp' exists/,
    ],
    [
      'no-copy',
      { ...good, Dockerfile: 'FROM scratch\n# COPY meta /meta\nCOPY meta /metadata\n' },
      [],
      /Dockerfile '.*no-copy\/Dockerfile' has no COPY or ADD of meta to \/meta/,
    ],
    ['bad-name', good, ['--name', 'My App'], /app name 'My App' is not valid \(from a flag\)/],
    ['bad-family', good, ['--name', 'ok', '--family', 'a;b'], /family 'a;b' is not valid \(from a flag\)/],
    [
      'bad-version',
      { ...good, ENVIRONMENT: 'DAM_APP_VERSION=1/2\n' },
      ['--name', 'ok'],
      /version '1\/2' is not valid \(from ENVIRONMENT\)/,
    ],
    ['Bad Folder', good, [], /app name 'Bad Folder' is not valid \(from the project folder's name\)/],
    [
      'bad-mv',
      { ...good, ENVIRONMENT: 'DAM_APP_MULTIVERSION=maybe\n' },
      ['--name', 'ok'],
      /DAM_APP_MULTIVERSION is 'maybe' \(from ENVIRONMENT\)/,
    ],
  ];
  for (const [folder, files, args, re] of cases) {
    const dir = await writeProject(work, `layout/${folder}`, files as never);
    const out = await create([dir, ...args]);
    assert.equal(out.code, 1, `${folder}: ${out.stderr}`);
    assert.match(out.stderr, re, folder);
    assert.doesNotMatch(out.stderr, /Step \d|Building/, `${folder}: nothing was built`);
  }
  const missing = await create([`${work}/does-not-exist`]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /project folder '.*does-not-exist' does not exist/);
});

test('a failing RUN step: its output is shown, exit 1, and no image is tagged', { skip }, async () => {
  const name = uniqueName('fail');
  const dir = await writeProject(work, 'fail', {
    Dockerfile: `FROM ${base}\nCOPY meta /meta\nRUN echo step-output-before-failure && exit 3\n`,
    ...meta(),
  });
  const out = await create([dir, '--name', name]);
  assert.equal(out.code, 1);
  assert.match(out.stderr, /step-output-before-failure/);
  assert.match(out.stderr, /error: .*returned a non-zero code: 3/);
  assert.equal(out.stdout, '');
  assert.equal(await testEngine().inspectImage(`${name}:SNAPSHOT`), undefined, 'no half-made image carries the tag');
});

test('--quiet hides the build stream; --build-arg and --platform reach the build', { skip }, async () => {
  const name = uniqueName('args');
  const dir = await writeProject(work, 'args', {
    Dockerfile:
      'ARG BASE\nFROM ${BASE}\nARG GREETING=none\nRUN echo "greeting=$GREETING" > /greeting\nCOPY meta /meta\n',
    ...meta(),
  });
  const out = await create([
    dir,
    '--name',
    name,
    '--build-arg',
    `BASE=${base}`,
    '--build-arg',
    'GREETING=hi there',
    '--platform',
    'linux/amd64',
    '--quiet',
  ]);
  assert.equal(out.code, 0, out.stderr);
  assert.doesNotMatch(out.stderr, /Step \d/);
  assert.equal(await runInImage(`${name}:SNAPSHOT`, ['cat', '/greeting']), 'greeting=hi there\n');
  // DIR after a repeatable KEY=VALUE flag is still the project folder.
  const loud = await create(['--name', name, '--build-arg', `BASE=${base}`, dir]);
  assert.equal(loud.code, 0, loud.stderr);
  assert.match(loud.stderr, /Step 1\/\d+ : ARG BASE/);
  const bad = await create([dir, '--label', 'DAM_APP_FAMILY=x', '--name', name]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--label DAM_APP_FAMILY would overwrite a label DAM writes/);
});

test('--version and --name set the tag (alias ce)', { skip }, async () => {
  const name = uniqueName('flags');
  const dir = await writeProject(work, 'flags', { Dockerfile: `FROM ${base}\nCOPY meta /meta\n`, ...meta() });
  const out = await dam(['ce', dir, '--name', name, '--version', '3.1', '--json', ...LABEL], { home });
  assert.equal(out.code, 0, out.stderr);
  assert.equal(JSON.parse(out.stdout).tag, `${name}:3.1`);
});

test(
  'examples/web: created from its folder untouched; install serves the rendered page on a chosen port; uninstall removes it',
  { skip },
  async () => {
    const name = uniqueName('web');
    const dir = await copyExample(work, 'web', 'web');
    const before = await snapshot(dir);
    const out = await create([dir, '--name', name, '--build-arg', `BASE=${base}`, '--json']);
    assert.equal(out.code, 0, out.stderr);
    const { tag } = JSON.parse(out.stdout);
    assert.equal(tag, `${name}:1.0`);
    assert.deepEqual(await snapshot(dir), before);
    assert.equal(
      await runInImage(tag, ['ls', '/meta/NOTES.md', '/NOTES.md']).catch((e: { stdout: string }) => e.stdout),
      '',
      '.dockerignore kept NOTES.md out',
    );
    const metaDir = `${work}/web-meta`;
    await docker(['create', '--name', `${name}-meta`, '--label', `${TEST_LABEL}=${RUN}`, tag]);
    try {
      await docker(['cp', `${name}-meta:/meta`, metaDir]);
    } finally {
      await docker(['rm', '-f', `${name}-meta`]);
    }
    const port = await freePort();
    const env = {
      DAM_APP_TAG: tag,
      DAM_APP_NAME: name,
      DAM_APP_VERSION: '1.0',
      DAM_ACTION: 'install',
      WEB_PORT: String(port),
    };
    try {
      const installed = execFileSync(`${metaDir}/install`, {
        cwd: metaDir,
        env: { ...process.env, ...env },
        encoding: 'utf8',
      });
      assert.match(installed, new RegExp(`${name} 1.0 is serving on port ${port}`));
      const labels = (await docker(['inspect', '--format', '{{json .Config.Labels}}', `dam-${name}`])).stdout;
      assert.equal(JSON.parse(labels)['dam.app'], name);
      let page = '';
      for (let i = 0; i < 50 && !page; i++) {
        page = await fetch(`http://127.0.0.1:${port}/`)
          .then((r) => r.text())
          .catch(() => '');
        if (!page) await new Promise((r) => setTimeout(r, 100));
      }
      assert.match(page, new RegExp(`<h1>${name} 1.0</h1>`));
      assert.match(page, new RegExp(`<code>${name}:1.0</code>`));
    } finally {
      const removed = execFileSync(`${metaDir}/uninstall`, {
        cwd: metaDir,
        env: { ...process.env, ...env, DAM_ACTION: 'uninstall' },
        encoding: 'utf8',
      });
      assert.match(removed, new RegExp(`removed container dam-${name}`));
    }
    await assert.rejects(docker(['container', 'inspect', `dam-${name}`]));
  },
);

test(
  "examples/hello-tool: install puts a shim that runs the tool in a container with the caller's arguments; uninstall removes it",
  { skip },
  async () => {
    const name = uniqueName('hello');
    const dir = await copyExample(work, 'hello-tool', 'hello-tool');
    const out = await create([dir, '--name', name, '--build-arg', `BASE=${base}`, '--json']);
    assert.equal(out.code, 0, out.stderr);
    const { tag, family } = JSON.parse(out.stdout);
    assert.equal(tag, `${name}:1.0`, 'the version comes from the Dockerfile ENV line');
    assert.equal(family, name);
    const metaDir = `${work}/hello-meta`;
    await docker(['create', '--name', `${name}-meta`, '--label', `${TEST_LABEL}=${RUN}`, tag]);
    try {
      await docker(['cp', `${name}-meta:/meta`, metaDir]);
    } finally {
      await docker(['rm', '-f', `${name}-meta`]);
    }
    const binDir = `${work}/bin`;
    const env = { ...process.env, DAM_BIN_DIR: binDir, DAM_APP_TAG: tag, DAM_ACTION: 'install' };
    assert.match(
      execFileSync(`${metaDir}/install`, { cwd: metaDir, env, encoding: 'utf8' }),
      new RegExp(`installed ${binDir}/hello`),
    );
    const said = execFileSync(`${binDir}/hello`, ['one', 'two words'], { encoding: 'utf8' });
    assert.equal(said, 'Hello from hello-tool inside a container!\narg 1: one\narg 2: two words\n');
    assert.match(execFileSync(`${metaDir}/uninstall`, { cwd: metaDir, env, encoding: 'utf8' }), /removed/);
    await assert.rejects(access(`${binDir}/hello`));
    assert.equal(basename(dir), 'hello-tool');
  },
);

test(
  'labels are set in one build step (plus one for a multi-line description), with values kept byte for byte',
  { skip },
  async () => {
    const name = uniqueName('steps');
    const dir = await writeProject(work, 'steps', {
      Dockerfile: `FROM ${base}\nCOPY meta /meta\n`,
      ...meta(),
      'meta/DESCRIPTION': 'First line.\nSecond "line" with $HOME and a \\ backslash.\n',
    });
    const tricky = 'a "quoted" $HOME ${PATH} \\ `tick`';
    const out = await create([
      dir,
      '--name',
      name,
      '--version',
      '1.0',
      '--label',
      `odd=${tricky}`,
      '--label',
      'team=ops',
      '--label',
      'more=1',
    ]);
    assert.equal(out.code, 0, out.stderr);
    const steps = [...out.stderr.matchAll(/Step \d+\/(\d+) :/g)];
    assert.equal(steps[0]?.[1], '4', `FROM, COPY, one LABEL, and the description's LABEL:\n${out.stderr}`);
    const history = (await docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}', `${name}:1.0`])).stdout
      .split('\n')
      .filter((l) => /LABEL/.test(l));
    assert.equal(history.length, 2, history.join('\n'));
    const labels = (await testEngine().inspectImage(`${name}:1.0`))?.labels ?? {};
    assert.equal(labels.odd, tricky);
    assert.equal(
      labels['org.opencontainers.image.description'],
      'First line.\nSecond "line" with $HOME and a \\ backslash.',
    );
    assert.deepEqual(
      [labels.team, labels.more, labels.DAM_APP_NAME, labels.DAM_APP_VERSION, labels[TEST_LABEL]],
      ['ops', '1', name, '1.0', RUN],
    );
  },
);

test(
  '--platform builds for that platform, which create and info show; a build the engine cannot make for it is refused clearly',
  { skip },
  async () => {
    const name = uniqueName('arm');
    const dir = await writeProject(work, 'arm', { Dockerfile: 'FROM scratch\nCOPY meta /meta\n', ...meta() });
    const out = await create([dir, '--name', name, '--version', '1.0', '--platform', 'linux/arm64', '--json']);
    assert.equal(out.code, 0, out.stderr);
    assert.equal((JSON.parse(out.stdout) as { platform: string }).platform, 'linux/arm64');
    assert.equal((await testEngine().inspectImage(`${name}:1.0`))?.architecture, 'arm64');
    assert.match((await dam(['info', `${name}:1.0`], { home })).stdout, /^Platform: {3}linux\/arm64$/m);
    assert.equal(
      (JSON.parse((await dam(['info', `${name}:1.0`, '--json'], { home })).stdout) as { platform: string }).platform,
      'linux/arm64',
    );

    // A RUN line on the amd64 base: the engine has no arm64 base (or, with one pulled, cannot run arm64 programs).
    const runs = await writeProject(work, 'arm-run', {
      Dockerfile: `FROM ${base}\nRUN echo hi > /hi\nCOPY meta /meta\n`,
      ...meta(),
    });
    const refused = await create([runs, '--name', `${name}-run`, '--version', '1.0', '--platform', 'linux/arm64']);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /linux\/arm64/);
    assert.match(refused.stderr, /hint: .*(linux\/arm64 host|--platform)/);
    assert.equal(await testEngine().inspectImage(`${name}-run:1.0`), undefined);

    const bad = await create([dir, '--name', name, '--platform', 'linux/amd64,linux/arm64']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /names 2 platforms/);
  },
);
