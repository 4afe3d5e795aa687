// `dam search` through the built CLI against real registries started by the harness (plain HTTP, HTTPS
// with basic auth, token auth), fault-injecting servers where a real registry cannot misbehave on demand,
// and a replay of Docker Hub's API, because the internet is unreachable here.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { dam, tempHome, uniqueName, type DamResult } from './harness/dam.js';
import {
  startPlainRegistry,
  startTlsRegistry,
  startTokenRegistry,
  freePort,
  type TestRegistry,
  type TokenRegistry,
} from './harness/registries.js';
import { seedRegistry } from './harness/seed.js';
import { json, startFakeServer, startSilentServer, type FakeServer } from './harness/fake-servers.js';

interface Hit {
  repo: string;
  name: string;
  tags: string[];
}

const TAGS = ['latest', '1.0', '16.04', '1.10', '2.0.0-rc.1', '2.0.0'];
const ORDERED = ['16.04', '2.0.0', '2.0.0-rc.1', '1.10', '1.0', 'latest'];

let plain: TestRegistry;
let tls: TestRegistry;
let token: TokenRegistry;
let home: string;
let cleanup: () => Promise<void>;
const prefix = uniqueName('se');
const plainNames = Array.from({ length: 25 }, (_, i) => `${prefix}-app-${String(i).padStart(2, '0')}`).concat([
  `${prefix}/web`,
]);
const stops: (() => Promise<void>)[] = [];

async function addrepo(
  h: string,
  name: string,
  reg: { host: string },
  extra: string[] = [],
  input?: string,
): Promise<void> {
  const out = await dam(['addrepo', '--name', name, '--server', reg.host, ...extra], { home: h, input });
  assert.equal(out.code, 0, out.stderr);
}

function hits(out: DamResult): Hit[] {
  assert.equal(out.code, 0, out.stderr);
  return JSON.parse(out.stdout) as Hit[];
}

function assertNoSecret(out: DamResult, secret: string): void {
  assert.ok(!out.stdout.includes(secret) && !out.stderr.includes(secret), 'the password appears in no output');
}

before(async () => {
  [plain, tls, token] = await Promise.all([startPlainRegistry(), startTlsRegistry(), startTokenRegistry()]);
  stops.push(plain.stop, tls.stop, token.stop);
  await Promise.all([
    seedRegistry(plain, { names: plainNames, tags: TAGS }),
    seedRegistry(tls, { names: [`${prefix}-secure-a`, `${prefix}-secure-b`], tags: ['1.0', 'latest'] }),
    seedRegistry(token, { names: [`${prefix}-tok-a`, `${prefix}-tok-b`, `${prefix}-tok-c`], tags: ['3.1', '3.0'] }),
  ]);
  ({ home, cleanup } = await tempHome());
  await addrepo(home, 'plain', plain, ['--insecure']);
  await addrepo(home, 'secure', tls, ['--username', tls.username ?? '', '--password-stdin'], tls.password);
  await addrepo(home, 'tok', token, ['--username', token.username ?? '', '--password-stdin'], token.password);
});

after(async () => {
  await cleanup?.();
  for (const stop of stops) await stop();
});

describe('a plain HTTP registry', () => {
  test('without a mask, lists every app with its real tags, versions newest first', async () => {
    const found = hits(await dam(['search', '--repo', 'plain', '--json'], { home }));
    assert.deepEqual(
      found.map((h) => h.name),
      [...plainNames].sort(),
    );
    for (const h of found) {
      assert.equal(h.repo, 'plain');
      assert.deepEqual(h.tags, ORDERED);
    }
    const text = await dam(['se', '--repo', 'plain'], { home });
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      new RegExp(`^${prefix}-app-00\\s+16\\.04, 2\\.0\\.0, 2\\.0\\.0-rc\\.1, 1\\.10, 1\\.0, latest$`, 'm'),
      '16.04 is printed as 16.04',
    );
  });

  test('follows catalog and tag pages when the pages are small', async () => {
    const small = hits(await dam(['search', '--repo', 'plain', '--json', '--page-size', '4'], { home }));
    const large = hits(await dam(['search', '--repo', 'plain', '--json'], { home }));
    assert.deepEqual(small, large);
    const res = await fetch(`${plain.url}/v2/_catalog?n=4`);
    assert.match(res.headers.get('link') ?? '', /rel="next"/, 'the registry really paginated');
  });

  test('masks match part of the name, ignoring case; * and ? are globs', async () => {
    const cases: [string, string[]][] = [
      ['APP-0', plainNames.filter((n) => n.includes('app-0'))],
      [`${prefix}-app-?3`, [`${prefix}-app-03`, `${prefix}-app-13`, `${prefix}-app-23`]],
      ['*/WEB', [`${prefix}/web`]],
      ['no-such-app', []],
    ];
    for (const [mask, expected] of cases) {
      const out = await dam(['search', mask, '--repo', 'plain', '--json'], { home });
      assert.deepEqual(
        hits(out).map((h) => h.name),
        [...expected].sort(),
        mask,
      );
    }
  });

  test('--limit caps the number of apps; the repo is found by id too', async () => {
    const lr = JSON.parse((await dam(['listrepos', '--json'], { home })).stdout) as { id: number; name: string }[];
    const id = lr.find((r) => r.name === 'plain')?.id;
    const found = hits(await dam(['search', 'app', '--repo', String(id), '--limit', '3', '--json'], { home }));
    assert.deepEqual(
      found.map((h) => h.name),
      plainNames.slice(0, 3),
    );
  });

  test('bad arguments are usage errors', async () => {
    for (const args of [
      ['search', 'a b'],
      ['search', '--limit', '0'],
      ['search', '--timeout', 'soon'],
      ['search', '--repo', 'plain', '--all-repos'],
    ]) {
      const out = await dam(args, { home });
      assert.equal(out.code, 2, `${args.join(' ')}: ${out.stderr}`);
      assert.match(out.stderr, /hint:/);
    }
  });
});

describe('an HTTPS registry with basic auth', () => {
  test('is searched over verified TLS with the stored credentials', async () => {
    const found = hits(await dam(['search', '--repo', 'secure', '--json'], { home }));
    assert.deepEqual(found, [
      { schemaVersion: 1, repo: 'secure', name: `${prefix}-secure-a`, tags: ['1.0', 'latest'] },
      { schemaVersion: 1, repo: 'secure', name: `${prefix}-secure-b`, tags: ['1.0', 'latest'] },
    ]);
  });

  test('a wrong password is a clear REGISTRY_AUTH error naming the registry, without the password', async () => {
    const t = await tempHome();
    try {
      await addrepo(
        t.home,
        'wrongpw',
        tls,
        ['--username', tls.username ?? '', '--password-stdin'],
        'not-the-password-42',
      );
      const out = await dam(['--debug', 'search', '--repo', 'wrongpw'], { home: t.home });
      assert.equal(out.code, 1);
      assert.equal(out.stdout, '');
      assert.match(
        out.stderr,
        new RegExp(`registry 'wrongpw' \\(${tls.host}\\) refused the credentials of user '${tls.username}'`),
      );
      assert.match(out.stderr, /hint: .*dam modifyrepo \d+ --username/);
      assert.match(out.stderr, /code: REGISTRY_AUTH/);
      assertNoSecret(out, 'not-the-password-42');
    } finally {
      await t.cleanup();
    }
  });

  test('without credentials, it says the registry needs them', async () => {
    const t = await tempHome();
    try {
      await addrepo(t.home, 'nocreds', tls);
      const out = await dam(['search', '--repo', 'nocreds'], { home: t.home, env: { DOCKER_CONFIG: t.home } });
      assert.equal(out.code, 1);
      assert.match(out.stderr, /registry 'nocreds' .* refused anonymous access/);
      assert.match(out.stderr, /hint: It needs credentials/);
    } finally {
      await t.cleanup();
    }
  });

  test('credentials come from the Docker client config when the repo has none', async () => {
    const t = await tempHome();
    try {
      const { mkdir, writeFile } = await import('node:fs/promises');
      const dockerDir = `${t.home}-docker`;
      await mkdir(dockerDir, { recursive: true });
      const auth = Buffer.from(`${tls.username}:${tls.password}`).toString('base64');
      await writeFile(`${dockerDir}/config.json`, JSON.stringify({ auths: { [`https://${tls.host}`]: { auth } } }));
      await addrepo(t.home, 'viaconfig', tls);
      const found = hits(
        await dam(['search', '--repo', 'viaconfig', '--json'], { home: t.home, env: { DOCKER_CONFIG: dockerDir } }),
      );
      assert.equal(found.length, 2);
    } finally {
      await t.cleanup();
    }
  });
});

describe('an HTTPS registry whose CA is not in /etc/docker/certs.d', () => {
  let untrusted: TestRegistry;
  before(async () => {
    untrusted = await startTlsRegistry({ installCa: false });
    stops.push(untrusted.stop);
    await seedRegistry(untrusted, { names: [`${prefix}-ca`], tags: ['1.0'] });
  });

  test('fails TLS verification with a hint, and works with --ca-file or --insecure', async () => {
    const t = await tempHome();
    try {
      const creds = ['--username', untrusted.username ?? '', '--password-stdin'];
      await addrepo(t.home, 'untrusted', untrusted, creds, untrusted.password);
      const out = await dam(['search', '--repo', 'untrusted'], { home: t.home });
      assert.equal(out.code, 1);
      assert.match(
        out.stderr,
        /TLS with the registry 'untrusted' \(127\.0\.0\.1:\d+\) at https:\/\/127\.0\.0\.1:\d+ failed \([A-Z_]+\)/,
      );
      assert.match(out.stderr, /hint: .*ca\.crt .*--ca-file/);
      await addrepo(t.home, 'withca', untrusted, [...creds, '--ca-file', untrusted.caFile ?? ''], untrusted.password);
      assert.equal(hits(await dam(['search', '--repo', 'withca', '--json'], { home: t.home })).length, 1);
      await addrepo(t.home, 'unverified', untrusted, [...creds, '--insecure'], untrusted.password);
      assert.equal(hits(await dam(['search', '--repo', 'unverified', '--json'], { home: t.home })).length, 1);
    } finally {
      await t.cleanup();
    }
  });
});

describe('a registry with token authentication', () => {
  test('gets bearer tokens from the token service, one per scope for the run', async () => {
    const before = token.tokens.requests.length;
    const found = hits(await dam(['search', '--repo', 'tok', '--json'], { home }));
    assert.deepEqual(
      found.map((h) => [h.name, h.tags]),
      [`${prefix}-tok-a`, `${prefix}-tok-b`, `${prefix}-tok-c`].map((n) => [n, ['3.1', '3.0']]),
    );
    const asked = token.tokens.requests.slice(before);
    assert.deepEqual(
      asked.map((r) => r.scope).sort(),
      ['registry:catalog:*', ...found.map((h) => `repository:${h.name}:pull`)].sort(),
      'exactly one token per scope',
    );
    assert.ok(asked.every((r) => r.user === token.username));
  });

  test('a wrong password is refused by the token service, and the error names the registry', async () => {
    const t = await tempHome();
    try {
      await addrepo(
        t.home,
        'badtok',
        token,
        ['--username', token.username ?? '', '--password-stdin'],
        'wrong-token-pw-77',
      );
      const out = await dam(['search', '--repo', 'badtok'], { home: t.home });
      assert.equal(out.code, 1);
      assert.match(
        out.stderr,
        new RegExp(
          `token service of the registry 'badtok' \\(${token.host}\\) refused the credentials of user '${token.username}'`,
        ),
      );
      assertNoSecret(out, 'wrong-token-pw-77');
    } finally {
      await t.cleanup();
    }
  });

  test('credentials from a Docker credential helper are used', async () => {
    const t = await tempHome();
    try {
      const { mkdir, writeFile } = await import('node:fs/promises');
      const bin = `${t.home}-bin`;
      await mkdir(bin, { recursive: true });
      await writeFile(
        `${bin}/docker-credential-damtest`,
        `#!/bin/sh\nread server\n[ "$server" = "${token.host}" ] || exit 1\necho '{"ServerURL":"${token.host}","Username":"${token.username}","Secret":"${token.password}"}'\n`,
        { mode: 0o755 },
      );
      await writeFile(`${bin}/config.json`, JSON.stringify({ credHelpers: { [token.host]: 'damtest' } }));
      await addrepo(t.home, 'helper', token);
      const found = hits(
        await dam(['search', 'tok-b', '--repo', 'helper', '--json'], {
          home: t.home,
          env: { DOCKER_CONFIG: bin, PATH: `${bin}:${process.env.PATH}` },
        }),
      );
      assert.deepEqual(
        found.map((h) => h.name),
        [`${prefix}-tok-b`],
      );
    } finally {
      await t.cleanup();
    }
  });
});

describe('--all-repos', () => {
  test('merges every repo, each row naming its repo, and reports an unreachable one on stderr', async () => {
    const t = await tempHome();
    try {
      await addrepo(t.home, 'plain', plain, ['--insecure']);
      await addrepo(t.home, 'tok', token, ['--username', token.username ?? '', '--password-stdin'], token.password);
      await addrepo(t.home, 'gone', { host: `127.0.0.1:${await freePort()}` }, ['--insecure']);
      const out = await dam(['search', 'damtest', '--all-repos', '--json', '--timeout', '5'], {
        home: t.home,
        env: { DAM_HUB_URL: 'http://127.0.0.1:9' },
      });
      assert.equal(out.code, 0, out.stderr);
      const found = JSON.parse(out.stdout) as Hit[];
      assert.deepEqual([...new Set(found.map((h) => h.repo))].sort(), ['plain', 'tok']);
      assert.match(out.stderr, /Cannot reach the registry 'gone'/);
      assert.match(out.stderr, /registry 'official' \(Docker Hub\)/, 'Docker Hub, unreachable here, is reported too');
      const text = await dam(['search', '--all-repos'], { home: t.home });
      assert.match(text.stdout, /^REPO\s+APP\s+TAGS$/m);
      assert.match(text.stdout, new RegExp(`^tok\\s+${prefix}-tok-a\\s+3\\.1, 3\\.0$`, 'm'));
      assert.match(text.stderr, /Docker Hub \(official\) is skipped/);
    } finally {
      await t.cleanup();
    }
  });

  test('exits 1 when every repo fails', async () => {
    const t = await tempHome();
    try {
      await addrepo(t.home, 'gone1', { host: `127.0.0.1:${await freePort()}` }, ['--insecure']);
      await addrepo(t.home, 'gone2', { host: `127.0.0.1:${await freePort()}` }, ['--insecure']);
      const out = await dam(['search', '--all-repos'], { home: t.home });
      assert.equal(out.code, 1);
      assert.match(out.stderr, /'gone1'/);
      assert.match(out.stderr, /'gone2'/);
    } finally {
      await t.cleanup();
    }
  });
});

describe('failures name the registry and say how to fix them', () => {
  let fake: FakeServer;
  let status = 200;
  before(async () => {
    fake = await startFakeServer((req, res) => {
      if (req.url === '/v2/') return json(res, 200, {});
      if (req.url?.startsWith('/v2/_catalog'))
        return json(
          res,
          status,
          { errors: [{ code: 'SOMETHING', message: 'server says no' }] },
          status === 429 ? { 'retry-after': '7' } : {},
        );
      json(res, 404, {});
    });
    stops.push(fake.stop);
  });

  test('403, 429 and 5xx', async () => {
    const t = await tempHome();
    try {
      await addrepo(t.home, 'faulty', fake, ['--insecure']);
      const cases: [number, RegExp, RegExp][] = [
        [
          403,
          /registry 'faulty' \(127\.0\.0\.1:\d+\) denied anonymous access to the catalog \(SOMETHING: server says no\)/,
          /permission/,
        ],
        [429, /registry 'faulty' .* is rate-limiting requests \(HTTP 429\)/, /Wait 7 seconds/],
        [503, /registry 'faulty' .* failed with HTTP 503 on the catalog/, /try again later/],
      ];
      for (const [code, message, hint] of cases) {
        status = code;
        const out = await dam(['search', '--repo', 'faulty'], { home: t.home });
        assert.equal(out.code, 1, String(code));
        assert.match(out.stderr, message);
        assert.match(out.stderr, hint);
      }
    } finally {
      await t.cleanup();
    }
  });

  test('404: a server that is not a registry', async () => {
    const t = await tempHome();
    const notRegistry = await startFakeServer((_req, res) => json(res, 404, {}));
    try {
      await addrepo(t.home, 'notreg', notRegistry, ['--insecure']);
      const started = Date.now();
      const out = await dam(['search', '--repo', 'notreg'], { home: t.home });
      assert.equal(out.code, 1);
      assert.ok(Date.now() - started < 10_000, 'dam exits at once, not when a request deadline expires');
      assert.match(
        out.stderr,
        /registry 'notreg' .* does not serve the registry API at http:\/\/127\.0\.0\.1:\d+\/v2\//,
      );
    } finally {
      await notRegistry.stop();
      await t.cleanup();
    }
  });

  test('a registry that never answers times out after --timeout', async () => {
    const t = await tempHome();
    const silent = await startSilentServer();
    try {
      await addrepo(t.home, 'hangs', silent, ['--insecure']);
      const started = Date.now();
      const out = await dam(['search', '--repo', 'hangs', '--timeout', '1'], { home: t.home });
      assert.equal(out.code, 1);
      assert.match(out.stderr, /registry 'hangs' .* did not answer \/v2\/ within 1 s/);
      assert.match(out.stderr, /--timeout/);
      assert.ok(Date.now() - started < 10_000, 'it gave up promptly');
    } finally {
      await silent.stop();
      await t.cleanup();
    }
  });

  test('credentials are not sent to another host after a redirect', async () => {
    const t = await tempHome();
    const other = await startFakeServer((_req, res) => json(res, 200, { repositories: ['elsewhere'] }), '127.0.0.2');
    const origin = await startFakeServer((req, res) => {
      if (!req.headers.authorization) return json(res, 401, {}, { 'www-authenticate': 'Basic realm="fake"' });
      if (req.url?.startsWith('/v2/_catalog')) {
        res.writeHead(307, { location: `${other.url}/v2/_catalog?n=1000` });
        return res.end();
      }
      json(res, 200, {});
    });
    try {
      await addrepo(
        t.home,
        'redirects',
        origin,
        ['--insecure', '--username', 'u', '--password-stdin'],
        'redirect-secret-9',
      );
      const out = await dam(['search', '--repo', 'redirects', '--json'], { home: t.home });
      assert.ok(
        origin.requests.some((r) => r.headers.authorization?.startsWith('Basic ')),
        'the registry itself got the credentials',
      );
      assert.ok(other.requests.length > 0, 'the redirect was followed');
      assert.ok(
        other.requests.every((r) => r.headers.authorization === undefined),
        'no Authorization header reached the other host',
      );
      assertNoSecret(out, 'redirect-secret-9');
    } finally {
      await other.stop();
      await origin.stop();
      await t.cleanup();
    }
  });
});
