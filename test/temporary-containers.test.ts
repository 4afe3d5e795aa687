// DAM reads an image's /meta through a container it creates and removes in a `finally`; a dam killed with
// SIGKILL skips that, and the container would stay forever. Each temporary container names the dam that
// made it, and the next dam that makes one removes those whose dam is gone, never another live dam's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { dam, tempHome, uniqueName, TEST_LABEL } from './harness/dam.js';
import { buildTestApp, removeTestImages } from './harness/apps.js';
import { testEngine } from './harness/engine.js';

const app = uniqueName('tmpc');
const engine = testEngine();
let home: string;
let cleanup: () => Promise<void>;
let image: string;

before(async () => {
  ({ home, cleanup } = await tempHome());
  image = await buildTestApp({ name: app, version: '1.0' });
});

after(async () => {
  for (const c of await ours()) await engine.removeContainer(c.id);
  await removeTestImages([app]);
  await cleanup();
});

/** The temporary containers of this test's app (other programs may use the same engine). */
async function ours() {
  const all = await engine.listContainers({ all: true, labels: ['dam.temporary=true'] });
  return all.filter((c) => c.labels['dam.test.tmpc'] === app);
}

/** A container as a dam with this process id would have left it (made with the docker CLI, not with DAM). */
function leftBy(pid: number): string {
  const labels = {
    'dam.temporary': 'true',
    'dam.temporary.owner': `${hostname()}/${pid}`,
    'dam.test.tmpc': app,
    [TEST_LABEL]: 'temporary-containers',
  };
  const args = Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
  return execFileSync('docker', ['create', ...args, image, 'true'], { encoding: 'utf8' }).trim();
}

test("a dam that makes a temporary container removes a killed dam's, and keeps a live one's", async () => {
  // A process id that no process has now: one that ran and ended.
  const gone = spawnSync('true').pid;
  assert.ok(gone);
  const dead = leftBy(gone);
  const live = leftBy(process.pid);
  const out = await dam(['install', `${app}:1.0`], { home, env: { DAMTEST_LOG: `${home}/../scripts.log` } });
  assert.equal(out.code, 0, out.stderr);
  const left = (await ours()).map((c) => c.id);
  assert.ok(!left.includes(dead), "the killed dam's container is removed");
  assert.deepEqual(left, [live], "the live dam's container stays, and install's own is gone");
});
