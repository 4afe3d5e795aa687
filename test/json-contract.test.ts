// The --json contract on commands the other end-to-end files do not run with --json: each output is
// checked against its schema by the harness (test/harness/dam.ts); here, that each carries schemaVersion,
// and that failures print the error shape on stdout with the exit code they have without --json.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { dam, tempHome } from './harness/dam.js';

const { home, cleanup } = await tempHome();
after(cleanup);
const run = (args: string[], input?: string) => dam([...args, '--json'], { home, input });

test('repository and key commands print versioned JSON that matches their schemas', async () => {
  const added = await run(
    ['addrepo', '--name', 'lab', '--server', 'lab.invalid:5000', '--username', 'me', '--password-stdin'],
    'secret',
  );
  assert.equal(added.code, 0, added.stderr);
  assert.equal(JSON.parse(added.stdout).schemaVersion, 1);
  assert.equal(JSON.parse((await run(['modifyrepo', '2', '--name', 'lab2'])).stdout).name, 'lab2');
  const repos = JSON.parse((await run(['listrepos'])).stdout) as { schemaVersion: number; name: string }[];
  assert.deepEqual(
    repos.map((r) => [r.schemaVersion, r.name]),
    [
      [1, 'official'],
      [1, 'lab2'],
    ],
  );
  assert.equal(JSON.parse((await run(['removerepo', 'lab2'])).stdout).removed.name, 'lab2');
  assert.equal((await run(['key', 'generate', 'release'])).code, 0);
  assert.equal(JSON.parse((await run(['key', 'list'])).stdout)[0].schemaVersion, 1);
  assert.match(JSON.parse((await run(['key', 'export-public', 'release'])).stdout).publicKey, /BEGIN PUBLIC KEY/);
  assert.deepEqual(JSON.parse((await run(['trust', 'list'])).stdout), {
    schemaVersion: 1,
    keys: [],
    accepted: [],
    apps: [],
  });
  assert.deepEqual(JSON.parse((await run(['recover'])).stdout), []);
});

test('failures print {"error":{code,message,hint}} on stdout with the usual exit code', async () => {
  const cases: [string[], number, string][] = [
    [['removerepo', 'nope'], 1, 'NOT_FOUND'],
    [['addrepo', '--name', '12', '--server', 'x'], 1, 'INVALID_NAME'],
    [['addrepo', '--server', 'x'], 2, 'USAGE'],
    [['list', '--no-such-flag'], 2, 'USAGE'],
    [['lint', './no-such-folder'], 1, 'NOT_FOUND'],
  ];
  for (const [args, code, errorCode] of cases) {
    const out = await run(args);
    assert.equal(out.code, code, `${args.join(' ')}: ${out.stderr}`);
    const { error } = JSON.parse(out.stdout) as { error: { code: string; message: string; hint: string | null } };
    assert.equal(error.code, errorCode, args.join(' '));
    assert.ok(error.message.length > 5);
    assert.match(out.stderr, new RegExp(`code: ${errorCode}|error: `), 'stderr still explains');
  }
});

test('every failure names its stable code on stderr, without -x, and the same exit code with and without --json', async () => {
  for (const [args, code, errorCode] of [
    [['removerepo', 'nope'], 1, 'NOT_FOUND'],
    [['trust', 'nope'], 2, 'USAGE'],
    [['push'], 2, 'USAGE'],
  ] as const) {
    const plain = await dam([...args], { home });
    assert.equal(plain.code, code, `${args.join(' ')}: ${plain.stderr}`);
    assert.equal(plain.stdout, '', 'nothing on stdout without --json');
    assert.match(plain.stderr, new RegExp(`^code: ${errorCode}$`, 'm'), args.join(' '));
    const json = await run([...args]);
    assert.equal(json.code, code, args.join(' '));
    assert.deepEqual(Object.keys(JSON.parse(json.stdout).error), ['code', 'message', 'hint']);
  }
});
