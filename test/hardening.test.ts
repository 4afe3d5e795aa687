// Hostile input through bin/dam: temporary files that a planted symlink cannot redirect, output links in
// shared folders refused, a registry whose listing never ends stopped in bounded memory and time, empty and
// 1-byte files, a `.sig` that is a FIFO or a folder, and a state directory another user owns (root only).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dam, tempHome, uniqueName, type DamResult } from './harness/dam.js';
import { buildTestApp, removeTestImages } from './harness/apps.js';
import { json, startFakeServer } from './harness/fake-servers.js';

const app = uniqueName('hard');
let dir: string;
let shared: string;
let home: { home: string; cleanup: () => Promise<void> };
const run = (args: string[], timeoutMs = 60_000): Promise<DamResult> =>
  dam(args, { home: home.home, cwd: dir, timeoutMs, env: { DAMTEST_LOG: '/dev/null' } });
const ok = (r: DamResult, what: string) => assert.equal(r.code, 0, `${what}: ${r.stderr}`);

/** A DamError for people: `error:` and a hint, no stack frame, no internal error. */
function cleanFailure(r: DamResult, code: number, what: string): void {
  assert.equal(r.code, code, `${what}: exit ${String(r.code)} ${r.stderr}`);
  assert.match(r.stderr, /^error: /m, what);
  assert.doesNotMatch(r.stderr, /\n\s+at |internal error/i, `${what}: no stack trace`);
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'damtest-hard-'));
  // A folder like /tmp: anyone may create names in it, the sticky bit keeps them from removing others'.
  shared = join(dir, 'shared');
  await mkdir(shared);
  await chmod(shared, 0o1777);
  home = await tempHome();
});

after(async () => {
  await removeTestImages([app]);
  await rm(dir, { recursive: true, force: true });
  await home.cleanup();
});

test('export and save: a symlink planted at the temporary name or as the output in a shared folder writes nothing elsewhere', async () => {
  await buildTestApp({ name: app, version: '1.0' });
  ok(await run(['install', `${app}:1.0`]), 'install');
  const victim = join(dir, 'victim');
  await writeFile(victim, 'precious\n');
  const out = join(shared, 'product.bundle');
  // The name the partial file used to have (the atomic writer's temporary file: store/atomic.test.ts).
  await symlink(victim, `${out}.partial`);
  const list = join(shared, 'apps.txt');
  ok(await run(['export', '--all', '--compress', 'none', out]), 'export --all');
  ok(await run(['export', list]), 'export list');
  assert.equal(await readFile(victim, 'utf8'), 'precious\n', 'the symlinks were not followed');
  assert.equal(await readFile(list, 'utf8'), `${app}:1.0\n`);
  assert.ok(
    !(await readdir(shared)).some((f) => f.endsWith('.partial') && !f.startsWith('product.bundle')),
    'no temporary file left',
  );

  const link = join(shared, 'link.txt');
  await symlink(victim, link);
  cleanFailure(await run(['export', link]), 1, 'export to a symlink in a shared folder');
  cleanFailure(await run(['save', `${app}:1.0`, '-o', link]), 1, 'save to a symlink in a shared folder');
  assert.equal(await readFile(victim, 'utf8'), 'precious\n');
  const forced = await run(['export', link, '--force']);
  ok(forced, 'export --force');
  assert.equal(await readFile(victim, 'utf8'), 'precious\n', '--force replaces the link, not what it points to');
  assert.equal(await readFile(link, 'utf8'), `${app}:1.0\n`);
  ok(await run(['remove', app]), 'remove');
});

test('a registry whose listing never ends is stopped by the byte budget, naming the registry', async () => {
  let pages = 0;
  const name = 'x'.repeat(200);
  const fake = await startFakeServer((req, res) => {
    if (req.url === '/v2/') return json(res, 200, {});
    pages++;
    // About 1 MB of new names per page, and always another, unique, next page.
    const repositories = Array.from({ length: 5000 }, (_, i) => `${name}${pages}-${i}`);
    json(res, 200, { repositories }, { link: `</v2/_catalog?last=${pages}-${'y'.repeat(100)}>; rel="next"` });
  });
  try {
    ok(await run(['addrepo', '--name', 'endless', '--server', fake.host, '--insecure']), 'addrepo');
    const started = Date.now();
    const out = await run(['search', '--repo', 'endless'], 120_000);
    cleanFailure(out, 1, 'endless listing');
    assert.match(out.stderr, new RegExp(`registry 'endless' \\(${fake.host.replace(/\./g, '\\.')}\\) sent more than`));
    assert.ok(pages <= 70, `stopped after ${pages} pages of about 1 MB`);
    assert.ok(Date.now() - started < 90_000, 'in bounded time');
  } finally {
    await fake.stop();
  }
});

test('empty and 1-byte files to import and info: a clear error, no stack trace', async () => {
  const empty = join(dir, 'empty.dam');
  const one = join(dir, 'one.dam');
  const gz = join(dir, 'one.tar.gz');
  await writeFile(empty, '');
  await writeFile(one, 'x');
  await writeFile(gz, Buffer.from([0x1f]));
  for (const file of [empty, one, gz]) {
    cleanFailure(await run(['info', file]), 1, `info ${file}`);
    cleanFailure(await run(['import', file, '--yes']), 1, `import ${file}`);
  }
  assert.match((await run(['import', empty, '--yes'])).stderr, /is empty/);
});

test('a .sig that is a FIFO or a folder, and an archive that is a FIFO, are refused at once as not regular files', async () => {
  const archive = join(dir, 'signed.dam');
  await writeFile(archive, 'x');
  const fifo = join(dir, 'pipe.sig');
  execFileSync('mkfifo', [fifo]);
  const folder = join(dir, 'folder.sig');
  await mkdir(folder);
  const fifoArchive = join(dir, 'pipe.dam');
  execFileSync('mkfifo', [fifoArchive]);
  const cases: Array<[string[], RegExp]> = [
    [['install', archive, '--signature', fifo], /signature file .*pipe\.sig' is not a regular file \(it is a FIFO/],
    [
      ['install', archive, '--signature', folder],
      /signature file .*folder\.sig' is not a regular file \(it is a folder/,
    ],
    [['import', fifoArchive, '--yes'], /pipe\.dam' is not a regular file/],
    [['info', fifoArchive], /archive .*pipe\.dam' is not a regular file \(it is a FIFO/],
  ];
  for (const [args, message] of cases) {
    const started = Date.now();
    const out = await run(args, 15_000);
    assert.notEqual(out.signal, 'SIGKILL', `${args.join(' ')} hung`);
    cleanFailure(out, 2, args.join(' '));
    assert.match(out.stderr, message);
    assert.ok(Date.now() - started < 10_000, `${args.join(' ')} was refused at once`);
  }
});

test('root refuses a state directory another user owns, and uses its own', async (t) => {
  if (process.getuid?.() !== 0)
    return t.skip('only root refuses a state directory of another user (these tests do not run as root)');
  const other = join(dir, 'other-home');
  await mkdir(other, { mode: 0o700 });
  await chown(other, 65534, 65534);
  const out = await dam(['listrepos'], { home: other });
  cleanFailure(out, 1, 'a state directory owned by nobody');
  assert.match(out.stderr, /owned by user 65534, not by root/);
  assert.match(out.stderr, /hint: .*chown -R root/);
  assert.deepEqual(await readdir(other), [], 'nothing was written into it');
  cleanFailure(
    await dam(['listrepos'], { home: join(other, 'sub') }),
    1,
    'a state directory to be made in a folder owned by nobody',
  );
  await chown(other, 0, 0);
  ok(await dam(['listrepos'], { home: other }), "root's own state directory");
});
