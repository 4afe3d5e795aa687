import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { isDamError } from '../../core/errors.js';
import { safeExtract } from './safe-extract.js';
import { tarOf, type Member } from '../archive/fixtures.test-helper.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'damtest-safe-extract-'));
});
after(() => rm(dir, { recursive: true, force: true }));

let n = 0;
async function extract(members: Member[], options: { strip?: string; replace?: boolean; dest?: string } = {}) {
  const dest = options.dest ?? join(dir, `out${n++}`);
  const result = await safeExtract(Readable.from(await tarOf(members)), dest, { source: 'test tar', ...options });
  return { dest, ...result };
}

const META: Member[] = [
  { name: 'meta/', type: 'directory', mode: 0o755 },
  { name: 'meta/install', data: '#!/bin/sh\necho hi\n', mode: 0o4755 },
  { name: 'meta/uninstall', data: '#!/bin/sh\n', mode: 0o755 },
  { name: 'meta/DESCRIPTION', data: 'Web app', mode: 0o600 },
  { name: 'meta/lib/', type: 'directory', mode: 0o2750 },
  { name: 'meta/lib/common.sh', data: 'x=1', mode: 0o644 },
  { name: 'meta/lib/link.sh', type: 'symlink', linkname: 'common.sh' },
  { name: 'meta/lib/up', type: 'symlink', linkname: '../install' },
  { name: 'meta/hard', type: 'link', linkname: 'meta/uninstall' },
];

test('extracts a copy of /meta: files, folders, inside links; modes kept minus setuid/setgid', async () => {
  const { dest, entries } = await extract(META, { strip: 'meta' });
  assert.equal(entries, 8);
  assert.deepEqual((await readdir(dest)).sort(), ['DESCRIPTION', 'hard', 'install', 'lib', 'uninstall']);
  assert.equal((await stat(join(dest, 'install'))).mode & 0o7777, 0o755);
  assert.equal((await stat(join(dest, 'DESCRIPTION'))).mode & 0o7777, 0o600);
  assert.equal((await stat(join(dest, 'lib'))).mode & 0o7777, 0o750);
  assert.equal(await readlink(join(dest, 'lib/link.sh')), 'common.sh');
  assert.equal(await readFile(join(dest, 'lib/up'), 'utf8'), '#!/bin/sh\necho hi\n');
  assert.equal(await readFile(join(dest, 'hard'), 'utf8'), '#!/bin/sh\n');
  assert.deepEqual(
    (await readdir(dir)).filter((f) => f.startsWith('.')),
    [],
    'no temporary folder left',
  );
});

test('unsafe entries are refused by name, and the destination is left untouched', async () => {
  const cases: [string, Member[], RegExp][] = [
    [
      'dotdot',
      [{ name: 'meta/../../etc/cron.d/x', data: 'x' }],
      /'meta\/\.\.\/\.\.\/etc\/cron\.d\/x'.*`\.\.` component/,
    ],
    ['absolute outside meta', [{ name: '/etc/passwd', data: 'x' }], /'\/etc\/passwd'.*outside 'meta'/],
    [
      'symlink out',
      [
        { name: 'meta/', type: 'directory' },
        { name: 'meta/l', type: 'symlink', linkname: '../../../etc' },
      ],
      /'l'.*symbolic link pointing outside \('\.\.\/\.\.\/\.\.\/etc'\)/,
    ],
    [
      'symlink absolute',
      [{ name: 'meta/l', type: 'symlink', linkname: '/etc/passwd' }],
      /'l'.*symbolic link pointing outside/,
    ],
    [
      'write through symlink',
      [
        { name: 'meta/d', type: 'symlink', linkname: '.' },
        { name: 'meta/d/x', data: 'x' },
      ],
      /'d\/x'.*under the symbolic link 'd'/,
    ],
    [
      'link chain escapes',
      [
        { name: 'meta/a/', type: 'directory' },
        { name: 'meta/a/self', type: 'symlink', linkname: '..' },
        { name: 'meta/x', type: 'symlink', linkname: 'a/self/../..' },
      ],
      /'x'.*resolves outside through other links/,
    ],
    [
      'link to root then up',
      [
        { name: 'meta/x', type: 'symlink', linkname: 'r/..' },
        { name: 'meta/r', type: 'symlink', linkname: '.' },
      ],
      /'x'.*resolves outside through other links/,
    ],
    ['hard link out', [{ name: 'meta/h', type: 'link', linkname: 'etc/passwd' }], /'etc\/passwd'.*outside 'meta'/],
    [
      'hard link to missing',
      [{ name: 'meta/h', type: 'link', linkname: 'meta/nothing' }],
      /'h'.*hard link to 'nothing', which is not a file/,
    ],
    ['device', [{ name: 'meta/tty', type: 'character-device' }], /'meta\/tty'.*character-device/],
    ['fifo', [{ name: 'meta/p', type: 'fifo' }], /'meta\/p'.*fifo/],
    [
      'duplicate',
      [
        { name: 'meta/a', data: '1' },
        { name: 'meta/a', data: '2' },
      ],
      /'a'.*appears twice/,
    ],
    ['meta is a file', [{ name: 'meta', data: 'x' }], /'meta'.*should be a folder/],
  ];
  for (const [name, members, pattern] of cases) {
    const dest = join(dir, `refused-${name.replace(/\W/g, '-')}`);
    await assert.rejects(extract(members, { strip: 'meta', dest }), (err: unknown) => {
      assert.ok(isDamError(err, 'ARCHIVE_INVALID'), `${name}: ${String(err)}`);
      assert.match(err.message, pattern, name);
      return true;
    });
    await assert.rejects(lstat(dest), `${name}: nothing written`);
  }
  assert.deepEqual(
    (await readdir(dir)).filter((f) => f.startsWith('.')),
    [],
    'no temporary folder left',
  );
});

test('a truncated tar stream is ARCHIVE_INVALID', async () => {
  const data = await tarOf(META);
  await assert.rejects(
    safeExtract(Readable.from(data.subarray(0, 700)), join(dir, 'cut'), { source: 'test tar', strip: 'meta' }),
    (err: unknown) => isDamError(err, 'ARCHIVE_INVALID') && /truncated|Unexpected end/.test(err.message),
  );
});

test('an existing destination is CONFLICT unless replaced', async () => {
  const dest = join(dir, 'existing');
  await mkdir(dest);
  await writeFile(join(dest, 'old'), 'old');
  await assert.rejects(extract(META, { strip: 'meta', dest }), (err: unknown) => isDamError(err, 'CONFLICT'));
  await extract(META, { strip: 'meta', dest, replace: true });
  assert.ok(!(await readdir(dest)).includes('old'));
});
