// `dam doctor` through the real CLI: the engine, the state directory and unfinished operations.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dam, tempHome } from './harness/dam.js';
import { engineAvailable, testEngine } from './harness/engine.js';

const skip = (await engineAvailable()) ? false : 'no Docker engine answers';
let home: string;
let cleanup: () => Promise<void>;

before(async () => {
  ({ home, cleanup } = await tempHome());
});
after(async () => cleanup());

test('reports the engine, the negotiated API version and a healthy state directory', { skip }, async () => {
  const info = await testEngine().info();
  const out = await dam(['doctor'], { home });
  assert.equal(out.code, 0, out.stderr + out.stdout);
  assert.ok(
    out.stdout.startsWith(`Engine      ${process.env.DOCKER_HOST || 'unix:///var/run/docker.sock'}\n`),
    out.stdout,
  );
  assert.ok(out.stdout.includes(`version   ${info.version}`), out.stdout);
  assert.match(out.stdout, new RegExp(`API\\s+${info.apiVersion.replace('.', '\\.')} \\(negotiated\\)`));
  assert.ok(out.stdout.includes(`storage   ${info.storageDriver}, root ${info.rootDir}`), out.stdout);
  assert.ok(out.stdout.includes(`State       ${home} (mode 0700)`), out.stdout);
  assert.match(out.stdout, /none unfinished/);

  const json = await dam(['doctor', '--json'], { home });
  assert.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout);
  assert.equal(report.ok, true);
  assert.deepEqual(
    [
      report.engine.reachable,
      report.engine.version,
      report.engine.apiVersion,
      report.engine.storageDriver,
      report.engine.rootDir,
    ],
    [true, info.version, info.apiVersion, info.storageDriver, info.rootDir],
  );
  assert.deepEqual(
    [report.state.home, report.state.mode, report.state.private, report.state.readable, report.state.repos],
    [home, '0700', true, true, 1],
  );
  assert.deepEqual(report.unfinished, { journal: join(home, 'journal'), operations: [] });
});

test('an unreachable engine is a failure naming the address, with a hint, exit 1', async () => {
  const sock = join(home, '..', 'no-engine.sock');
  const out = await dam(['doctor'], { home, env: { DOCKER_HOST: `unix://${sock}` } });
  assert.equal(out.code, 1);
  assert.ok(out.stdout.includes(`FAILED No Docker engine answers at unix://${sock}`), out.stdout);
  assert.match(out.stdout, /hint: .*DOCKER_HOST/);
  const json = JSON.parse(
    (await dam(['doctor', '--json'], { home, env: { DOCKER_HOST: 'tcp://127.0.0.1:1' } })).stdout,
  );
  assert.deepEqual(
    [json.ok, json.engine.reachable, json.engine.address, json.engine.error.code],
    [false, false, 'tcp://127.0.0.1:1', 'ENGINE_UNREACHABLE'],
  );
});

test('an unfinished operation in the journal is listed, exit 1', { skip }, async () => {
  const other = await tempHome();
  try {
    await dam(['listrepos'], { home: other.home });
    await mkdir(join(other.home, 'journal'), { recursive: true });
    await writeFile(join(other.home, 'journal', 'install-20261125-abc.json'), '{}');
    await writeFile(join(other.home, 'journal', 'notes.txt'), 'not a journal');
    const out = await dam(['doctor'], { home: other.home });
    assert.equal(out.code, 1);
    assert.match(out.stdout, /1 unfinished/);
    assert.match(out.stdout, /^ {2}install-20261125-abc\.json$/m);
    assert.doesNotMatch(out.stdout, /notes\.txt/);
    const json = JSON.parse((await dam(['doctor', '--json'], { home: other.home })).stdout);
    assert.deepEqual(json.unfinished.operations, ['install-20261125-abc.json']);
  } finally {
    await other.cleanup();
  }
});

test('a corrupt state file is reported with its path and how to recover, exit 1', { skip }, async () => {
  const other = await tempHome();
  try {
    await mkdir(other.home, { recursive: true, mode: 0o700 });
    await writeFile(join(other.home, 'state.json'), '{ not json', { mode: 0o600 });
    const out = await dam(['doctor', '--json'], { home: other.home });
    assert.equal(out.code, 1);
    const report = JSON.parse(out.stdout);
    assert.equal(report.state.readable, false);
    assert.equal(report.state.error.code, 'STATE_CORRUPT');
    assert.ok(report.state.error.message.includes(join(other.home, 'state.json')), report.state.error.message);
    assert.ok(report.state.error.hint.length > 0);
    assert.equal(report.engine.reachable, true);
  } finally {
    await other.cleanup();
  }
});
