// `dam search` on Docker Hub (repo id 1). The internet is unreachable in the test environment, so these
// tests run against a local REPLAY of Hub's search and tags API (test/harness/hub-replay.ts, responses in
// test/fixtures/hub), selected with DAM_HUB_URL. They check DAM's side: queries, pagination, ordering,
// login and where the token goes, not Hub itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dam, tempHome } from './harness/dam.js';
import { startHubReplay, REPLAY_PASSWORD, REPLAY_USER, type HubReplay } from './harness/hub-replay.js';

let hub: HubReplay;
let home: string;
let cleanup: () => Promise<void>;
let env: Record<string, string>;

before(async () => {
  hub = await startHubReplay();
  ({ home, cleanup } = await tempHome());
  env = { DAM_HUB_URL: hub.url, DOCKER_CONFIG: `${home}-no-docker-config` };
});

after(async () => {
  await cleanup?.();
  await hub?.stop();
});

test('Hub replay: a mask searches Hub, keeps names containing it, and lists tags over several pages, newest first', async () => {
  const out = await dam(['search', 'nginx', '--json'], { home, env });
  assert.equal(out.code, 0, out.stderr);
  const hits = JSON.parse(out.stdout) as { repo: string; name: string; tags: string[] }[];
  assert.deepEqual(
    hits.map((h) => h.name),
    ['bitnami/nginx', 'nginx', 'nginxinc/nginx-unprivileged'],
    'linuxserver/swag matched the description only',
  );
  assert.ok(hits.every((h) => h.repo === 'official'));
  assert.deepEqual(hits.find((h) => h.name === 'nginx')?.tags, [
    '1.27.3',
    '1.27',
    '1.27-alpine',
    '1.26.2',
    '1.26',
    '1.25.5',
    '1.10.3',
    '1.9.15',
    'alpine',
    'latest',
    'mainline',
    'stable',
  ]);
  assert.ok(
    hub.requests.some((r) => r.url === '/v2/repositories/library/nginx/tags?page=2&page_size=100'),
    'the second tags page was fetched',
  );
  assert.ok(
    hub.requests.every((r) => r.authorization === undefined),
    'anonymous without an account',
  );
});

test('Hub replay: search results are paginated up to --limit', async () => {
  const out = await dam(['se', 'redis', '--limit', '3', '--json'], { home, env });
  assert.equal(out.code, 0, out.stderr);
  assert.deepEqual(
    (JSON.parse(out.stdout) as { name: string }[]).map((h) => h.name),
    ['bitnami/redis', 'redis', 'redis/redis-stack'],
  );
  const text = await dam(['se', 'redis', '--limit', '3'], { home, env });
  assert.match(text.stdout, /^redis\s+7\.4, 6\.2, latest$/m);
});

test('Hub replay: Docker Hub needs a mask', async () => {
  const out = await dam(['search'], { home, env });
  assert.equal(out.code, 2);
  assert.match(out.stderr, /Docker Hub is searched by name and needs a mask/);
  assert.match(out.stderr, /hint: .*dam search nginx/);
});

test('Hub replay: with the configured account, DAM logs in and sends the token to Hub only', async () => {
  const t = await tempHome();
  try {
    const anon = await dam(['search', 'private', '--json'], { home: t.home, env });
    assert.equal(anon.code, 1);
    assert.match(anon.stderr, /registry 'official' \(Docker Hub\) refused anonymous access/);
    const set = await dam(['modifyrepo', '1', '--username', REPLAY_USER, '--password-stdin'], {
      home: t.home,
      input: REPLAY_PASSWORD,
    });
    assert.equal(set.code, 0, set.stderr);
    const seen = hub.requests.length;
    const out = await dam(['search', 'private', '--json'], { home: t.home, env });
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(JSON.parse(out.stdout), [
      { schemaVersion: 1, repo: 'official', name: 'damtest/private', tags: ['2.0'] },
    ]);
    const mine = hub.requests.slice(seen);
    assert.equal(mine.filter((r) => r.url === '/v2/users/login/').length, 1, 'one login for the run');
    assert.ok(
      mine.filter((r) => r.url !== '/v2/users/login/').every((r) => r.authorization === 'Bearer replay-hub-token'),
    );
    assert.ok(!out.stderr.includes(REPLAY_PASSWORD));

    await dam(['modifyrepo', '1', '--username', REPLAY_USER, '--password-stdin'], {
      home: t.home,
      input: 'wrong-hub-pw',
    });
    const bad = await dam(['search', 'private'], { home: t.home, env });
    assert.equal(bad.code, 1);
    assert.match(
      bad.stderr,
      new RegExp(`registry 'official' \\(Docker Hub\\) refused the credentials of user '${REPLAY_USER}' to a login`),
    );
    assert.ok(!bad.stderr.includes('wrong-hub-pw'));
  } finally {
    await t.cleanup();
  }
});
