// Products own their apps: two named products side by side on one host, each import converging only its own
// apps; a conflict between them refused at plan time with nothing changed; a DAM 1.x list and --exact
// still whole-host; `dam list` showing and filtering by product.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dam, tempHome, uniqueName, type DamResult } from './harness/dam.js';
import { buildTestApp, removeTestImages } from './harness/apps.js';
import { testEngine } from './harness/engine.js';

const a1 = uniqueName('pra');
const a2 = uniqueName('prb');
const b1 = uniqueName('prc');
const hand = uniqueName('prh');
const names = [a1, a2, b1, hand];
let home: string;
let cleanup: () => Promise<void>;
let dir: string;
let logFile: string;

before(async () => {
  ({ home, cleanup } = await tempHome());
  dir = await mkdtemp(join(tmpdir(), 'damtest-products-'));
  logFile = join(dir, 'scripts.log');
  for (const [name, version] of [
    [a1, '1.0'],
    [a1, '2.0'],
    [a2, '1.0'],
    [b1, '1.0'],
    [b1, '2.0'],
    [hand, '1.0'],
  ] as const)
    await buildTestApp({ name, version });
});

after(async () => {
  await removeTestImages(names);
  await rm(dir, { recursive: true, force: true });
  await cleanup();
});

const run = (args: string[], env: Record<string, string> = {}): Promise<DamResult> =>
  dam(args, { home, cwd: dir, env: { DAMTEST_LOG: logFile, ...env } });
const ok = (out: DamResult): DamResult => {
  assert.equal(out.code, 0, out.stderr);
  return out;
};

async function product(file: string, name: string, apps: Array<Record<string, string>>): Promise<string> {
  const path = join(dir, file);
  await writeFile(path, JSON.stringify({ format: 1, name, apps }));
  return path;
}

type Listed = { name: string; version: string; product: string | null; id: number; installedAt: string | null };
async function listed(extra: string[] = []): Promise<string[]> {
  const apps = JSON.parse(ok(await run(['list', '--json', ...extra])).stdout) as Listed[];
  return apps.map((x) => `${x.name}:${x.version}@${x.product ?? '-'}`).sort();
}

/** What a refused import must leave as it was: the state file, our images on the engine, the scripts run. */
async function snapshot(): Promise<string> {
  const images = (await testEngine().listImages()).filter((i) =>
    i.repoTags.some((t) => names.some((n) => t.startsWith(n))),
  );
  const log = await readFile(logFile, 'utf8').catch(() => '');
  return JSON.stringify([
    await readFile(join(home, 'state.json'), 'utf8'),
    images.map((i) => [i.id, [...i.repoTags].sort()]).sort(),
    log,
  ]);
}

test('two products side by side; a product upgrade leaves the other product and hand-installed apps alone', async () => {
  ok(await run(['install', `${hand}:1.0`]));
  ok(
    await run([
      'import',
      '--yes',
      await product('a1.json', 'alpha', [
        { name: a1, version: '1.0' },
        { name: a2, version: '1.0' },
      ]),
    ]),
  );
  const b = ok(
    await run(['import', '--yes', '--json', await product('b1.json', 'beta', [{ name: b1, version: '1.0' }])]),
  );
  const plan = JSON.parse(b.stdout) as { scope: string; install: string[]; remove: string[] };
  assert.deepEqual(
    [plan.scope, plan.install, plan.remove],
    ['product', [`${b1}:1.0`], []],
    'beta installs its app and removes nothing of alpha',
  );
  assert.deepEqual(await listed(), [`${a1}:1.0@alpha`, `${a2}:1.0@alpha`, `${b1}:1.0@beta`, `${hand}:1.0@-`].sort());
  assert.deepEqual(await listed(['--product', 'beta']), [`${b1}:1.0@beta`]);
  const table = ok(await run(['list'])).stdout;
  assert.match(table, /PRODUCT/);
  assert.match(table, new RegExp(`${b1}\\s+\\|?\\s*1\\.0\\s+\\|?\\s*beta`));
  assert.match(
    ok(await run(['list', '--product', 'nobody'])).stdout,
    /No installed app belongs to the product 'nobody'/,
  );

  const before = JSON.parse(ok(await run(['list', '--json', '--product', 'beta'])).stdout) as Listed[];
  const v2 = await product('a2.json', 'alpha', [{ name: a1, version: '2.0' }]);
  const dry = JSON.parse(ok(await run(['import', v2, '--dry-run', '--json'])).stdout) as {
    upgrade: Array<{ from: string; to: string }>;
    remove: string[];
    install: string[];
  };
  assert.deepEqual(
    [dry.upgrade, dry.remove, dry.install],
    [[{ from: `${a1}:1.0`, to: `${a1}:2.0` }], [`${a2}:1.0`], []],
  );
  const applied = ok(await run(['import', v2, '--yes']));
  assert.match(applied.stderr, /Product 'alpha': only its apps change/);
  assert.deepEqual(await listed(), [`${a1}:2.0@alpha`, `${b1}:1.0@beta`, `${hand}:1.0@-`].sort());
  assert.deepEqual(
    JSON.parse(ok(await run(['list', '--json', '--product', 'beta'])).stdout),
    before,
    'beta is untouched, down to its install time and id',
  );
  const log = await readFile(logFile, 'utf8');
  assert.doesNotMatch(
    log,
    new RegExp(`uninstall \\S+ (${b1}|${hand}) `),
    'no script of beta or of the hand-installed app ran',
  );
});

test('a conflict between two products is refused at plan time, naming both, with nothing changed', async () => {
  const was = await snapshot();
  const cases: Array<[string, Array<Record<string, string>>, RegExp]> = [
    [
      'the same app at another version',
      [{ name: b1, version: '2.0' }],
      new RegExp(`Product 'gamma' wants ${b1}:2\\.0, which conflicts with product 'beta'`),
    ],
    [
      'the same app at the same version',
      [{ name: b1, version: '1.0' }],
      new RegExp(`${b1}:1\\.0.*belongs to product 'beta'`),
    ],
    [
      'the same family',
      [{ name: a2, version: '1.0', family: b1 }],
      new RegExp(`Product 'gamma' wants ${a2}:1\\.0, which conflicts with product 'beta'.*same family '${b1}'`),
    ],
  ];
  for (const [why, apps, message] of cases) {
    const file = await product('gamma.json', 'gamma', apps);
    for (const args of [
      ['import', file, '--yes'],
      ['import', file, '--dry-run'],
    ]) {
      const out = await run(args);
      assert.equal(out.code, 1, `${why}: ${out.stderr}`);
      assert.match(out.stderr, message, why);
      assert.match(out.stderr, /--exact/, `${why}: the hint says how to go on`);
    }
    assert.equal(await snapshot(), was, `${why}: the state, the engine and the scripts are as they were`);
  }
});

test('--exact makes a named product whole-host; a DAM 1.x list keeps its whole-host meaning', async () => {
  const exact = await product('exact.json', 'beta', [{ name: b1, version: '1.0' }]);
  const dry = JSON.parse(ok(await run(['import', exact, '--exact', '--dry-run', '--json'])).stdout) as {
    scope: string;
    remove: string[];
    keep: string[];
  };
  assert.deepEqual(
    [dry.scope, dry.remove.sort(), dry.keep],
    ['host', [`${a1}:2.0`, `${hand}:1.0`].sort(), [`${b1}:1.0`]],
  );
  ok(await run(['install', `${a2}:1.0`]));
  const list = join(dir, 'apps.txt');
  await writeFile(list, `${a2}:1.0\n${b1}:1.0\n`);
  const plan = JSON.parse(ok(await run(['import', list, '--yes', '--json'])).stdout) as {
    scope: string;
    remove: string[];
    claim: string[];
  };
  assert.deepEqual(
    [plan.scope, plan.remove.sort(), plan.claim],
    ['host', [`${a1}:2.0`, `${hand}:1.0`].sort(), [`${b1}:1.0`]],
  );
  assert.deepEqual(
    await listed(),
    [`${a2}:1.0@-`, `${b1}:1.0@-`].sort(),
    'the host is exactly the list, and its apps belong to no product',
  );
  ok(await run(['import', exact, '--exact', '--yes']));
  assert.deepEqual(
    await listed(),
    [`${b1}:1.0@beta`],
    '--exact removes what the product does not hold and takes the rest into it',
  );
});

test("dam info FILE lists a bundle's apps and what importing it would change, changing nothing", async () => {
  const bundle = join(dir, 'alpha.bundle');
  ok(await run(['key', 'generate', 'vendor']));
  ok(
    await run([
      'export',
      '--all',
      '--from',
      await product('alpha-def.json', 'alpha', [
        { name: a1, version: '1.0' },
        { name: a2, version: '1.0' },
      ]),
      '--local',
      '--name',
      'alpha',
      '--sign',
      'vendor',
      '--sequence',
      '7',
      bundle,
    ]),
  );
  const was = await snapshot();
  type Info = {
    product: string;
    sequence: number | null;
    signature: { signer?: { fingerprint: string } };
    apps: Array<{ name: string; platforms: string[]; bytes: number; sharedLayers: number }>;
    plan: { scope: string; install: string[] } | { refused: string };
  };
  const info = JSON.parse(ok(await run(['info', bundle, '--json'])).stdout) as Info;
  assert.equal(info.product, 'alpha');
  assert.equal(info.sequence, 7, 'the release number comes from the signature');
  assert.match(info.signature.signer?.fingerprint ?? '', /^SHA256:/, 'the signer is named');
  assert.deepEqual(
    info.apps.map((x) => x.name),
    [a1, a2],
  );
  for (const x of info.apps) {
    assert.ok(
      x.platforms.length === 1 && /^linux\//.test(x.platforms[0] ?? ''),
      `platforms of ${x.name}: ${x.platforms.join()}`,
    );
    assert.ok(x.bytes > 0 && x.sharedLayers >= 1, `${x.name} is sized and shares the test apps' base layers`);
  }
  assert.deepEqual(info.plan, {
    scope: 'product',
    keep: [],
    remove: [],
    upgrade: [],
    install: [`${a1}:1.0`, `${a2}:1.0`],
  });
  const text = ok(await run(['info', bundle])).stdout;
  assert.match(text, /Product: {4}alpha, release 7/);
  assert.match(text, new RegExp(`Importing \\(only this product's apps\\): \\+${a1}:1\\.0, \\+${a2}:1\\.0`));

  const clash = join(dir, 'gamma.bundle');
  ok(
    await run([
      'export',
      '--all',
      '--from',
      await product('gamma-def.json', 'gamma', [{ name: b1, version: '2.0' }]),
      '--local',
      clash,
    ]),
  );
  const refused = JSON.parse(ok(await run(['info', clash, '--json'])).stdout) as Info;
  assert.match('refused' in refused.plan ? refused.plan.refused : '', /conflicts with product 'beta'/);

  const whole = join(dir, 'host.bundle');
  ok(await run(['export', '--all', whole]));
  const format1 = JSON.parse(ok(await run(['info', whole, '--json'])).stdout) as Info;
  assert.deepEqual(
    [format1.apps.map((x) => x.name), format1.plan],
    [[b1], { scope: 'host', keep: [`${b1}:1.0`], remove: [], upgrade: [], install: [] }],
  );
  assert.equal(await snapshot(), was, 'info changed nothing');

  // Off a terminal, progress through the bundle comes as plain lines (DAM_PROGRESS_SECONDS apart), no control characters.
  const imported = ok(await run(['import', bundle, '--yes'], { DAM_PROGRESS_SECONDS: '0.001' }));
  assert.match(imported.stderr, /Reading \S+alpha\.bundle {2}[\d.]+ [kMG]?B \/ [\d.]+ [kMG]?B {2}\d+%/);
  assert.ok(!imported.stderr.includes('\r') && !imported.stderr.includes('\u001b'), 'no control characters');
  assert.deepEqual(await listed(), [`${a1}:1.0@alpha`, `${a2}:1.0@alpha`, `${b1}:1.0@beta`].sort());
});
