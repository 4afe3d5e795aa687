// The repository commands through the real CLI, and the state store's promises: concurrent writers all
// land, a writer killed at any moment leaves a readable state, a dead writer's lock blocks nobody, and a
// DAM 1.x database is pointed out on first run and taken over by `dam migrate`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { dam, DAM_BIN, tempHome } from './harness/dam.js';

let home: string;
let cleanup: () => Promise<void>;

before(async () => {
  ({ home, cleanup } = await tempHome());
});
after(async () => cleanup());

async function repos(
  h: string,
): Promise<Array<{ id: number; name: string; default: boolean; username: string | null }>> {
  const out = await dam(['listrepos', '--json'], { home: h });
  assert.equal(out.code, 0, out.stderr);
  return JSON.parse(out.stdout);
}

test('a fresh state lists Docker Hub as id 1, the default', async () => {
  const out = await dam(['listrepos'], { home });
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /^1\s+\*\s+official\s+https:\/\/registry-1\.docker\.io\//m);
  const raw = await dam(['lr', '--raw'], { home });
  assert.equal(raw.stdout, '1;*;official;https://registry-1.docker.io/;\n', 'raw lines go to stdout in the 1.x format');
});

test('the state directory is 0700 and its files 0600', async () => {
  assert.equal((await stat(home)).mode & 0o777, 0o700);
  for (const f of await readdir(home)) {
    if (f.endsWith('.json')) assert.equal((await stat(join(home, f))).mode & 0o777, 0o600, f);
  }
});

test('addrepo, modifyrepo and removerepo follow the 1.x rules', async () => {
  const { home: h, cleanup: c } = await tempHome();
  try {
    assert.equal(
      (await dam(['addrepo', '--name', 'corp', '--server', 'registry.corp:5000', '-d'], { home: h })).code,
      0,
    );
    assert.equal((await dam(['ar', '--name', 'lab', '--server', '127.0.0.1:5999', '--insecure'], { home: h })).code, 0);
    let list = await repos(h);
    assert.deepEqual(
      list.map((r) => [r.id, r.name, r.default]),
      [
        [1, 'official', false],
        [2, 'corp', true],
        [3, 'lab', false],
      ],
    );

    const dup = await dam(['addrepo', '--name', 'corp', '--server', 'x:1'], { home: h });
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /named 'corp' already exists/);

    const missing = await dam(['addrepo', '--name', 'x'], { home: h });
    assert.equal(missing.code, 2, 'a missing required flag is a usage error');
    assert.match(missing.stderr, /--server/);

    const rmDefault = await dam(['removerepo', 'corp'], { home: h });
    assert.equal(rmDefault.code, 1);
    assert.match(rmDefault.stderr, /is the default[\s\S]*--force/);

    assert.equal((await dam(['mr', '3', '--default'], { home: h })).code, 0);
    list = await repos(h);
    assert.deepEqual(
      list.filter((r) => r.default).map((r) => r.id),
      [3],
    );
    assert.equal((await dam(['mr', '3', '--default=false'], { home: h })).code, 0);
    list = await repos(h);
    assert.deepEqual(
      list.filter((r) => r.default).map((r) => r.id),
      [1],
      'un-defaulting hands the default to Docker Hub',
    );

    const renameHub = await dam(['mr', '1', '--name', 'hub'], { home: h });
    assert.equal(renameHub.code, 1);
    assert.match(renameHub.stderr, /official repository .* cannot be changed with --name/);
    const rmHub = await dam(['rr', '1', '--force'], { home: h });
    assert.equal(rmHub.code, 1);
    assert.match(rmHub.stderr, /cannot be removed/);

    assert.equal((await dam(['rr', 'lab'], { home: h })).code, 0);
    assert.equal((await dam(['ar', '--name', 'next', '--server', 'n:1'], { home: h })).code, 0);
    list = await repos(h);
    assert.deepEqual(
      list.map((r) => r.id),
      [1, 2, 4],
      'ids are never reused',
    );

    const unknown = await dam(['rr', 'nope'], { home: h });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No repository has the id or name 'nope'[\s\S]*dam listrepos/);
  } finally {
    await c();
  }
});

test('a password never appears in any output, and is stored 0600 outside state.json', async () => {
  const { home: h, cleanup: c } = await tempHome();
  const secret = 'Sup3r-S3cret-Value';
  try {
    const add = await dam(
      ['addrepo', '--name', 'priv', '--server', 'priv.example:5000', '--username', 'alice', '--password-stdin'],
      { home: h, input: `${secret}\n` },
    );
    assert.equal(add.code, 0, add.stderr);
    const viaFlag = await dam(['modifyrepo', '2', '--password', secret], { home: h });
    assert.equal(viaFlag.code, 0, viaFlag.stderr);
    assert.match(viaFlag.stderr, /shell history/);
    const outputs = [
      add,
      viaFlag,
      await dam(['lr'], { home: h }),
      await dam(['lr', '--json'], { home: h }),
      await dam(['lr', '--raw'], { home: h }),
    ];
    for (const o of outputs) assert.ok(!(o.stdout + o.stderr).includes(secret), 'secret leaked');
    const list = await repos(h);
    assert.equal(list[1]?.username, 'alice');
    assert.ok(!(await readFile(join(h, 'state.json'), 'utf8')).includes(secret));
    const creds = join(h, 'credentials.json');
    assert.ok((await readFile(creds, 'utf8')).includes(secret));
    assert.equal((await stat(creds)).mode & 0o777, 0o600);
    assert.equal((await dam(['mr', '2', '--clear-credentials'], { home: h })).code, 0);
    assert.ok(!(await readFile(creds, 'utf8')).includes(secret), 'credentials can be cleared');
  } finally {
    await c();
  }
});

test('ten addrepo run at the same moment all land', async () => {
  const { home: h, cleanup: c } = await tempHome();
  try {
    await dam(['lr'], { home: h });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        dam(['addrepo', '--name', `r${i}`, '--server', `host${i}:5000`], { home: h }),
      ),
    );
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const list = await repos(h);
    assert.equal(list.length, 11);
    assert.deepEqual(new Set(list.map((r) => r.id)).size, 11, 'ids are unique');
  } finally {
    await c();
  }
});

test('a dam killed with SIGKILL at any moment of a write leaves a readable state', async () => {
  const { home: h, cleanup: c } = await tempHome();
  try {
    await dam(['lr'], { home: h });
    for (let i = 0; i < 25; i++) {
      const child = spawn(
        process.execPath,
        [DAM_BIN, '--home', h, 'addrepo', '--name', `k${i}`, '--server', `k${i}:1`],
        { stdio: 'ignore' },
      );
      const closed = new Promise((r) => child.on('close', r));
      await new Promise((r) => setTimeout(r, 30 + ((i * 7) % 60)));
      child.kill('SIGKILL');
      await closed;
      const list = await dam(['lr', '--json'], { home: h, timeoutMs: 20_000 });
      assert.equal(list.code, 0, `after kill ${i}: ${list.stderr}`);
      JSON.parse(list.stdout);
    }
    const add = await dam(['addrepo', '--name', 'after', '--server', 'after:1'], { home: h, timeoutMs: 20_000 });
    assert.equal(add.code, 0, 'a lock left by a killed process blocks nobody');
  } finally {
    await c();
  }
});

test('a lock held by a live process makes a writer wait, then name the holder', async () => {
  const { home: h, cleanup: c } = await tempHome();
  try {
    await dam(['lr'], { home: h });
    const holder = spawn('sleep', ['30']);
    // The holder's generation, above any the folder has (see src/adapters/store/lock.ts).
    await mkdir(join(h, 'lock'), { recursive: true });
    await writeFile(
      join(h, 'lock', '1000000'),
      JSON.stringify({ pid: holder.pid, startTime: '', command: 'install', since: new Date().toISOString() }),
    );
    const started = Date.now();
    const out = await dam(['addrepo', '--name', 'x', '--server', 'x:1'], { home: h });
    holder.kill();
    assert.equal(out.code, 1);
    assert.ok(Date.now() - started >= 4000, 'it waited a few seconds');
    assert.match(out.stderr, new RegExp(`locked by process ${holder.pid} \\(dam install`));
  } finally {
    await c();
  }
});

test('a corrupt state file is named, with a way out, and left untouched', async () => {
  const { home: h, cleanup: c } = await tempHome();
  try {
    await dam(['lr'], { home: h });
    await writeFile(join(h, 'state.json'), '{"format":1,"repos":[');
    const out = await dam(['addrepo', '--name', 'x', '--server', 'x:1'], { home: h });
    assert.equal(out.code, 1);
    assert.match(out.stderr, new RegExp(`${join(h, 'state.json')} is damaged`));
    assert.equal(await readFile(join(h, 'state.json'), 'utf8'), '{"format":1,"repos":[');
  } finally {
    await c();
  }
});

test('a DAM 1.x database is pointed out on first run and taken over by dam migrate, any time later', async () => {
  const { home: h, cleanup: c } = await tempHome();
  const cache = join(dirname(h), 'cache');
  try {
    await mkdir(join(cache, 'dam'), { recursive: true });
    await writeFile(
      join(cache, 'dam', 'Repos'),
      `1;;official;https://registry-1.docker.io/;;\n2;*;corp;registry.corp:5000;bob;${Buffer.from('pw1').toString('base64')}\n`,
    );
    await writeFile(join(cache, 'dam', 'Apps'), '0;0123456789ab;web;1.0.0;2;;web\n');
    const out = await dam(['lr', '--json'], { home: h, env: { XDG_CACHE_HOME: cache } });
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /A DAM 1\.x database with 1 installed app\(s\) is at .*: run 'dam migrate'/);
    assert.deepEqual(
      JSON.parse(out.stdout).map((r: { name: string }) => r.name),
      ['official'],
      'the first run takes nothing over by itself',
    );
    const again = await dam(['lr'], { home: h, env: { XDG_CACHE_HOME: cache } });
    assert.doesNotMatch(again.stderr, /DAM 1\.x/, 'said on the first run only');
    const migrated = await dam(['migrate'], { home: h, env: { XDG_CACHE_HOME: cache } });
    assert.equal(migrated.code, 0, migrated.stderr);
    const list = JSON.parse((await dam(['lr', '--json'], { home: h, env: { XDG_CACHE_HOME: cache } })).stdout);
    assert.deepEqual(
      list.map((r: { name: string; default: boolean; hasPassword: boolean }) => [r.name, r.default, r.hasPassword]),
      [
        ['official', false, false],
        ['corp', true, true],
      ],
    );
    const state = JSON.parse(await readFile(join(h, 'state.json'), 'utf8'));
    assert.equal(state.apps[0].tag, 'registry.corp:5000/web:1.0.0');
  } finally {
    await c();
  }
});

test('usage errors exit 2 and say how to fix them', async () => {
  const out = await dam(['listrepos', '--bogus'], { home });
  assert.equal(out.code, 2);
  assert.match(out.stderr, /unknown option '--bogus'/);
  const id = await dam(['modifyrepo', '--default'], { home });
  assert.equal(id.code, 2);
  assert.match(id.stderr, /missing required argument 'id\|name'/);
});
