// Fuzzing what DAM reads: valid `.dam` files, docker-save tars, bundles, DAM 1.x exports, app lists and
// product files, mutated (see harness/fuzz-mutations.ts), given to `dam info`, `dam install --offline` and
// `dam import --yes --offline`. For every case: exit 0 with the same result as the original file, or exit 1
// with a DamError (`error:` and no stack trace, no internal error); never a hang (each run is bounded); and
// after a failure the engine's tags of this test's app and DAM's state are as they were.
// DAM_FUZZ_SEED replays a run, DAM_FUZZ_CASES enlarges it (both are printed), DAM_FUZZ_ONLY=N runs case N alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dam, tempHome, uniqueName, type DamResult } from './harness/dam.js';
import { buildTestApp, removeTestImages } from './harness/apps.js';
import { testEngine } from './harness/engine.js';
import {
  mutateTar,
  mutateText,
  prng,
  readMembers,
  writeTar,
  type Member,
  type Rand,
} from './harness/fuzz-mutations.js';

const SEED = Number(process.env.DAM_FUZZ_SEED ?? 20261130);
const CASES = Number(process.env.DAM_FUZZ_CASES ?? 12);
const RUN_MS = 60_000;
/** DAM_FUZZ_ONLY=N runs only case N of the seed. */
const ONLY = process.env.DAM_FUZZ_ONLY === undefined ? undefined : Number(process.env.DAM_FUZZ_ONLY);

const app = uniqueName('fuzz');
const engine = testEngine();
let dir: string;
let home: { home: string; cleanup: () => Promise<void> };
let imageId: string;

interface Base {
  name: string;
  bytes: Buffer;
  kind: 'tar' | 'text';
  gzip: boolean;
  members: Member[];
  apply: 'install' | 'import';
  info?: string;
}
const bases: Base[] = [];

const run = (args: string[]): Promise<DamResult> =>
  dam(args, { home: home.home, cwd: dir, timeoutMs: RUN_MS, env: { DAMTEST_LOG: '/dev/null' } });

/** This test's tags in the engine (other tests' are theirs): tag -> image id. */
async function ownTags(): Promise<string> {
  const tags: string[] = [];
  for (const image of await engine.listImages())
    for (const t of image.repoTags) if (t.includes(app)) tags.push(`${t}=${image.id}`);
  return tags.sort().join('\n');
}

async function stateSnapshot(): Promise<string> {
  const state = await readFile(join(home.home, 'state.json'), 'utf8');
  const journal = (await readdir(join(home.home, 'journal')).catch(() => [])).sort().join(',');
  return `${state}\njournal: ${journal}`;
}

async function installed(): Promise<string> {
  const list = JSON.parse((await run(['list', '--json'])).stdout) as Array<{
    name: string;
    version: string;
    imageId: string;
  }>;
  return list.map((a) => `${a.name}:${a.version}@${a.imageId}`).join(',');
}

function infoSummary(r: DamResult): string {
  const data = JSON.parse(r.stdout) as { kind: string; product: unknown; subject: { tag?: string } };
  return JSON.stringify({ kind: data.kind, product: data.product, tag: data.subject.tag });
}

async function addBase(
  name: string,
  bytes: Buffer,
  apply: Base['apply'],
  kind: Base['kind'],
  gzip = false,
): Promise<void> {
  const members = kind === 'tar' ? await readMembers(gzip ? gunzipSync(bytes) : bytes) : [];
  const base: Base = { name, bytes, kind, gzip, members, apply };
  if (kind === 'tar') {
    const file = join(dir, `original-${name}`);
    await writeFile(file, bytes);
    const info = await run(['info', file, '--json']);
    assert.equal(info.code, 0, `info of the original ${name}: ${info.stderr}`);
    base.info = infoSummary(info);
  }
  bases.push(base);
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'damtest-fuzz-'));
  home = await tempHome();
  await buildTestApp({ name: app, version: '1.0' });
  imageId = (await engine.inspectImage(`${app}:1.0`))?.id ?? '';
  const dam1 = join(dir, 'app.dam');
  assert.equal((await run(['save', `${app}:1.0`, '-o', dam1])).code, 0);
  const damBytes = await readFile(dam1);
  await addBase('app.dam', damBytes, 'install', 'tar', true);
  await addBase('saved.tar', gunzipSync(damBytes), 'install', 'tar');
  const oneX = join(dir, '1x');
  await mkdir(oneX);
  assert.equal((await dam(['save', `${app}:1.0`], { home: home.home, cwd: oneX })).code, 0);
  const [damName = ''] = await readdir(oneX);
  const exportTar = writeTar([
    { name: 'app_list', type: '0', data: Buffer.from(`${app}:1.0\n`) },
    { name: damName, type: '0', data: await readFile(join(oneX, damName)) },
  ]);
  await addBase('export-1x.tar', exportTar, 'import', 'tar');
  assert.equal((await run(['install', `${app}:1.0`, '--offline'])).code, 0);
  const bundle = join(dir, 'product.bundle');
  assert.equal((await run(['export', '--all', '--compress', 'none', bundle])).code, 0);
  await addBase('product.bundle', await readFile(bundle), 'import', 'tar');
  const list = join(dir, 'apps.txt');
  const product = join(dir, 'product.json');
  assert.equal((await run(['export', list])).code, 0);
  assert.equal((await run(['export', '--format', 'json', product])).code, 0);
  await addBase('apps.txt', await readFile(list), 'import', 'text');
  await addBase('product.json', await readFile(product), 'import', 'text');
  await resetHost();
});

after(async () => {
  await removeTestImages([app]);
  await rm(dir, { recursive: true, force: true });
  await home.cleanup();
});

/** Nothing installed, and the app's image tagged as it was built. */
async function resetHost(): Promise<void> {
  // A crashed run (a known failure) leaves its journal: finish it, as the next dam would.
  if ((await readdir(join(home.home, 'journal')).catch(() => [])).length > 0)
    assert.equal((await run(['recover'])).code, 0, 'recover');
  if ((await installed()) !== '') assert.equal((await run(['remove', app])).code, 0, 'remove after a successful case');
  for (const tags of (await ownTags()).split('\n').filter(Boolean)) {
    const [tag = '', id] = tags.split('=');
    if (tag !== `${app}:1.0` || id !== imageId)
      await engine.removeImage(tag, { force: true, noPrune: true }).catch(() => undefined);
  }
  if (!(await engine.inspectImage(`${app}:1.0`))) await engine.tagImage(imageId, `${app}:1.0`);
}

function checkFailure(r: DamResult, what: string): void {
  assert.notEqual(r.signal, 'SIGKILL', `${what}: no answer within ${RUN_MS / 1000} s`);
  assert.equal(r.code, 1, `${what}: exit ${String(r.code)}\n${r.stderr}`);
  assert.match(r.stderr, /^error: /m, `${what}: a DamError message, not:\n${r.stderr.slice(0, 2000)}`);
  assert.doesNotMatch(
    r.stderr,
    /\n\s+at |internal error/i,
    `${what}: no stack trace, not:\n${r.stderr.slice(0, 2000)}`,
  );
}

/** The case's input, drawn in order from the seed (so that one case can be replayed alone). */
function makeCase(rand: Rand): { base: Base; mutated: ReturnType<typeof mutateText> } {
  const base = bases[Math.floor(rand() * bases.length)]!;
  return {
    base,
    mutated: base.kind === 'tar' ? mutateTar(rand, base.bytes, base.members, base.gzip) : mutateText(rand, base.bytes),
  };
}

async function runCase({ base, mutated }: ReturnType<typeof makeCase>, index: number): Promise<string> {
  const file = join(dir, `case-${index}-${base.name}`);
  await writeFile(file, mutated.bytes);
  const label = `case ${index} (seed ${SEED}): ${base.name}, ${mutated.what}`;
  const tags = await ownTags();
  const state = await stateSnapshot();
  if (base.info) {
    const info = await run(['info', file, '--json']);
    if (info.code === 0) assert.equal(infoSummary(info), base.info, `${label}: info succeeded with another result`);
    else checkFailure(info, `${label}: info`);
  }
  const args = base.apply === 'install' ? ['install', file, '--offline'] : ['import', file, '--yes', '--offline'];
  const applied = await run(args);
  if (applied.code === 0) {
    assert.equal(await installed(), `${app}:1.0@${imageId}`, `${label}: ${args[0]} succeeded with another result`);
    await resetHost();
  } else {
    checkFailure(applied, `${label}: ${args[0]}`);
    assert.equal(await ownTags(), tags, `${label}: the engine's tags changed`);
    assert.equal(await stateSnapshot(), state, `${label}: the state changed`);
  }
  assert.equal(await ownTags(), tags, `${label}: the engine's tags are as before`);
  return `${label}: ${applied.code === 0 ? 'accepted' : 'refused'}`;
}

test('mutated archives, bundles, lists and products: the same result or a clean refusal, nothing changed', async (t) => {
  t.diagnostic(`DAM_FUZZ_SEED=${SEED} DAM_FUZZ_CASES=${CASES} (set them to replay or enlarge this run)`);
  const rand = prng(SEED);
  // Two fixed cases first, which once crashed or passed silently: a 1-byte archive, an empty app list.
  const fixed = (name: string, bytes: number) => {
    const base = bases.find((b) => b.name === name)!;
    return { base, mutated: { bytes: base.bytes.subarray(0, bytes), what: `truncate to ${bytes} bytes (fixed case)` } };
  };
  const cases = [fixed('app.dam', 1), fixed('apps.txt', 0), ...Array.from({ length: CASES }, () => makeCase(rand))];
  const failures: string[] = [];
  for (let i = 0; i < cases.length; i++) {
    if (ONLY !== undefined && i !== ONLY) continue;
    try {
      t.diagnostic(await runCase(cases[i]!, i));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      failures.push(message);
      await resetHost();
    }
  }
  assert.deepEqual(failures, [], `replay with DAM_FUZZ_SEED=${SEED} DAM_FUZZ_CASES=${CASES}`);
});
