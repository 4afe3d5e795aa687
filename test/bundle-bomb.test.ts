// A decompression bomb in a bundle of format 2 is refused like one in a `.dam`: a layer of about 1 MB of gzip
// that inflates to a little over 1 GiB of zeros (the bound for a bundle of that size is the 1 GiB floor).
// Where the index or the gzip trailer says so, DAM refuses it before the engine is asked to load; where the
// trailer lies (two gzip members, the last one small), DAM stops while counting what it inflates. Either way
// the engine, DAM's state and the host are as before. The same bundle with a small layer imports. Format 1:
// an index stating a huge blob, and a blob that is itself gzip'd. A DAM 1.x export whose .dam holds a bomb.
import { test, before, after } from 'node:test';
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { dam, tempHome, uniqueName, TEST_LABEL, type DamResult } from './harness/dam.js';
import { engineView, hasStackTrace, removeLabelledImages, stateView } from './harness/hostile.js';
import { bombLayer, writeBombBundle, writeFormat1Bomb, type BombLayer } from './harness/bomb-bundle.js';
import { testEngine } from './harness/engine.js';
import { isDamError } from '../src/core/errors.js';
import { createBundles } from '../src/adapters/bundle/tar-bundles.js';
import { legacyMembers, tarOf } from '../src/adapters/archive/fixtures.test-helper.js';
import { crc32, formatDamName } from '../src/core/archive/dam-name.js';

const run = uniqueName('bomb');
const labels = { [TEST_LABEL]: run };
const labelFilter = `${TEST_LABEL}=${run}`;
const name = uniqueName('bombapp');
const tag = `${name}:1.0`;
/** 1 GiB + 64 MiB of zeros: past the 1 GiB floor, about 1.1 MB of gzip. */
const ZERO_MIB = 1024 + 64;
let dir: string;
let log: string;
let home: string;
let cleanupHome: () => Promise<void>;
let layer: BombLayer;
const bundles = { stated: '', trailer: '', lying: '' };

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'damtest-bomb-'));
  log = join(dir, 'scripts.log');
  await writeFile(log, '');
  ({ home, cleanup: cleanupHome } = await tempHome());
  // DAM's state exists before the first refusal, as on a host in use.
  assert.equal((await dam(['list'], { home })).code, 0);
  layer = bombLayer(ZERO_MIB);
  assert.ok(layer.gz.length < 2_000_000, `the bomb is small: ${layer.gz.length} bytes`);
  bundles.stated = join(dir, 'stated.bundle');
  bundles.trailer = join(dir, 'trailer.bundle');
  bundles.lying = join(dir, 'lying.bundle');
  const common = { tag, diffId: layer.diffId, labels };
  await writeBombBundle(bundles.stated, { ...common, gz: layer.gz, unpackedSize: layer.unpacked });
  await writeBombBundle(bundles.trailer, { ...common, gz: layer.gz });
  await writeBombBundle(bundles.lying, { ...common, gz: layer.lyingGz });
});

after(async () => {
  await removeLabelledImages(labelFilter);
  await rm(dir, { recursive: true, force: true });
  await cleanupHome();
});

/** A refusal from the stated sizes: no layer is read, let alone inflated. */
const QUICK = { seconds: 10 };
const onHost = (args: string[]) => dam(args, { home, cwd: dir, env: { DAMTEST_LOG: log } });

/**
 * Runs `args`: refused as a decompression bomb naming `file`, with nothing changed; within `seconds` (a
 * refusal from the sizes the file states reads no layer; one while counting inflates up to the bound).
 */
async function refusedAsBomb(
  what: string,
  args: string[],
  file: string,
  { kind = 'bundle', seconds = 60 } = {},
): Promise<DamResult> {
  const engineBefore = await engineView([tag], labelFilter);
  const stateBefore = await stateView(home);
  const started = Date.now();
  const out = await onHost(args);
  const took = (Date.now() - started) / 1000;
  assert.equal(out.code, 1, `${what}: exit code (stderr: ${out.stderr})`);
  assert.equal(hasStackTrace(out.stderr + out.stdout), false, `${what}: no stack trace: ${out.stderr}`);
  assert.match(
    out.stderr,
    new RegExp(
      `error: The ${kind} '${file}' is refused: (it unpacks|its \\.dam members unpack) to more than 1073741824 bytes`,
    ),
  );
  assert.match(out.stderr, /decompression bomb/);
  assert.match(
    out.stderr,
    /hint: .*free space where the engine keeps its images, or raise the ratio with DAM_MAX_UNPACK_RATIO/,
  );
  assert.match(out.stderr, /code: ARCHIVE_INVALID/);
  assert.ok(took < seconds, `${what}: refused in ${took} s`);
  assert.equal(await readFile(log, 'utf8'), '', `${what}: no script ran`);
  assert.equal(await engineView([tag], labelFilter), engineBefore, `${what}: the engine's images are as before`);
  assert.deepEqual(await stateView(home), stateBefore, `${what}: DAM's state is byte for byte as before`);
  return out;
}

test('a bomb whose index states its unpacked size is refused before any load: import, install and info', async () => {
  const digest = `sha256:${createHash('sha256').update(layer.gz).digest('hex')}`;
  const out = await refusedAsBomb('import', ['import', bundles.stated, '--yes'], bundles.stated, QUICK);
  assert.match(out.stderr, new RegExp(`passed at its layer ${digest}\\)`), 'the layer is named by its digest');
  assert.doesNotMatch(out.stderr, /Verifying and loading/, 'refused when opened, before the plan is applied');
  await refusedAsBomb('info', ['info', bundles.stated], bundles.stated, QUICK);
  // `dam install` reads the file as an image archive (its OCI layout): the nested gzip layer is counted too.
  await refusedAsBomb('install', ['install', bundles.stated], bundles.stated, { kind: 'archive' });
});

test('a bomb sized only by its gzip trailer is refused before any load', async () => {
  const out = await refusedAsBomb('import', ['import', bundles.trailer, '--yes'], bundles.trailer, QUICK);
  assert.doesNotMatch(out.stderr, /Verifying and loading/);
  await refusedAsBomb('info', ['info', bundles.trailer], bundles.trailer, QUICK);
});

test('a bomb whose trailer lies small is stopped while its inflated bytes are counted', async () => {
  // Opening reads the index and the trailers only: nothing to inflate, so info answers (and says nothing false).
  const info = await onHost(['info', bundles.lying]);
  assert.equal(info.code, 0, info.stderr);
  const out = await refusedAsBomb('import', ['import', bundles.lying, '--yes'], bundles.lying);
  assert.match(out.stderr, /Verifying and loading/, 'the plan was applied: the bomb shows only as it inflates');
});

test('format 1: a blob the index states past the bound is refused when opened; a gzip blob, while it inflates', async () => {
  const stated = join(dir, 'stated-1.bundle');
  await writeFormat1Bomb(stated, { tag, blob: layer.gz, labels, statedSize: layer.unpacked, gzip: true });
  await refusedAsBomb('import', ['import', stated, '--yes'], stated, QUICK);
  await refusedAsBomb('info', ['info', stated], stated, QUICK);
  // A blob is an uncompressed layer tar; one that is gzip'd would be inflated by the /meta scan and the engine.
  const nested = join(dir, 'nested-1.bundle');
  await writeFormat1Bomb(nested, { tag, blob: layer.gz, labels });
  const out = await refusedAsBomb('import', ['import', nested, '--yes'], nested);
  assert.match(out.stderr, /Verifying and loading/, 'opened and planned: the bomb shows only as it inflates');
  const port = createBundles(testEngine());
  const contents = await port.open(nested);
  assert.ok(contents);
  await assert.rejects(
    port.verify(contents),
    (err) => isDamError(err, 'ARCHIVE_INVALID') && /is refused: it unpacks to more than/.test(err.message),
  );
});

test('a DAM 1.x export whose .dam carries a gzip bomb layer is refused, its members bounded together', async () => {
  const damFile = gzipSync(await tarOf(legacyMembers({ layers: [layer.gz], labels, repoTags: [tag] })));
  const exported = join(dir, 'export-1x.tar');
  const member = `/${formatDamName(name, '1.0', crc32(damFile))}`;
  await writeFile(
    exported,
    await tarOf([
      { name: '', type: 'directory' },
      { name: '/app_list', data: `${tag}\n` },
      { name: member, data: damFile },
    ]),
  );
  const out = await refusedAsBomb('import', ['import', exported, '--yes'], exported);
  assert.match(out.stderr, /its \.dam members unpack to more than 1073741824 bytes in all/);
});

test('the same bundle with a small layer (and a lying trailer) imports: the rule refuses bombs only', async () => {
  const small = bombLayer(4);
  const path = join(dir, 'small.bundle');
  const smallTag = `${uniqueName('bombok')}:1.0`;
  await writeBombBundle(path, { tag: smallTag, diffId: small.diffId, labels, gz: small.lyingGz });
  const h = await tempHome();
  try {
    const out = await dam(['import', path, '--yes'], { home: h.home, cwd: dir, env: { DAMTEST_LOG: log } });
    assert.equal(out.code, 0, out.stderr);
    assert.match(await readFile(log, 'utf8'), /bomb install damtest-bombok-/);
  } finally {
    await writeFile(log, '');
    await h.cleanup();
  }
});
