// Signed products end to end through bin/dam: keys, dam sign and export --sign, the trust policy, and every
// refusal (unsigned, unknown key, bad signature, another file's signature, tampered index or blob, replayed
// older release) happening before the engine or the state changes; the insecure override journaled; key
// rotation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dam, tempHome, uniqueName, type DamResult } from './harness/dam.js';
import { buildTestApp, removeTestImages } from './harness/apps.js';
import { testEngine } from './harness/engine.js';

const app = uniqueName('sig');
const engine = testEngine();
let dir: string;
let signer: { home: string; cleanup: () => Promise<void> };
let host: { home: string; cleanup: () => Promise<void> };
const fp: Record<string, string> = {};
let dam1: string;
let dam2: string;
let bundle: string;
let otherBundle: string;
let export1x: string;

const as = (home: string, args: string[], env: Record<string, string> = {}): Promise<DamResult> =>
  dam(args, { home, cwd: dir, env: { DAMTEST_LOG: '/dev/null', ...env } });
const onHost = (...args: string[]) => as(host.home, args);
const ok = (r: DamResult, what: string) => assert.equal(r.code, 0, `${what}: ${r.stderr}`);

/** A copy of `file` under a new name, with (optionally) its signature by `key`. */
async function copyOf(file: string, name: string, key?: string, extra: string[] = []): Promise<string> {
  const out = join(dir, name);
  await copyFile(file, out);
  if (key) ok(await as(signer.home, ['sign', key, out, ...extra]), `sign ${name}`);
  return out;
}

async function assertUntouched(why: string): Promise<void> {
  assert.equal(await engine.inspectImage(`${app}:1.0`), undefined, `${why}: the image must not be loaded`);
  const list = await onHost('list', '--json');
  assert.deepEqual(JSON.parse(list.stdout), [], `${why}: nothing may be installed`);
}

async function removeApp(): Promise<void> {
  ok(await onHost('remove', app), 'remove');
  await engine.removeImage(`${app}:1.0`, { force: true }).catch(() => undefined);
  await engine.removeImage(`${app}:2.0`, { force: true }).catch(() => undefined);
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'damtest-signing-'));
  signer = await tempHome();
  host = await tempHome();
  await buildTestApp({ name: app, version: '1.0' });
  await buildTestApp({ name: app, version: '2.0' });
  for (const key of ['old', 'new']) {
    const made = await as(signer.home, ['key', 'generate', key, '--json']);
    ok(made, `key generate ${key}`);
    fp[key] = (JSON.parse(made.stdout) as { fingerprint: string }).fingerprint;
    const pub = await as(signer.home, ['key', 'export-public', key]);
    await writeFile(join(dir, `${key}.pub`), pub.stdout);
  }
  dam1 = join(dir, 'v1.dam');
  dam2 = join(dir, 'v2.dam');
  ok(await as(signer.home, ['save', `${app}:1.0`, '-o', dam1]), 'save 1.0');
  ok(await as(signer.home, ['save', `${app}:2.0`, '-o', dam2]), 'save 2.0');
  // A DAM 1.x export archive: app_list and the app's .dam under its 1.x name.
  const saveDir = join(dir, '1x');
  await mkdir(saveDir);
  ok(await dam(['save', `${app}:1.0`], { home: signer.home, cwd: saveDir }), 'save 1.x');
  const [damName] = await readdir(saveDir);
  const pack = tar.pack();
  pack.entry({ name: '', type: 'directory', mode: 0o755 });
  pack.entry({ name: '/app_list', mode: 0o644 }, `${app}:1.0\n`);
  pack.entry({ name: `/${damName ?? ''}`, mode: 0o644 }, await readFile(join(saveDir, damName ?? '')));
  pack.finalize();
  export1x = join(dir, 'export-1x.tar');
  await pipeline(Readable.from(pack as unknown as AsyncIterable<Buffer>), createWriteStream(export1x));
  ok(await as(signer.home, ['install', `${app}:1.0`]), 'signer install');
  bundle = join(dir, 'product.bundle');
  ok(
    await as(signer.home, [
      'export',
      '--all',
      '--name',
      'plant',
      '--sign',
      'old',
      '--sequence',
      '3',
      '--compress',
      'none',
      bundle,
    ]),
    'export --sign',
  );
  otherBundle = join(dir, 'other.bundle');
  ok(await as(signer.home, ['export', '--all', '--name', 'other', '--compress', 'none', otherBundle]), 'export other');
  // The host starts with none of the app's images, so that any load would show.
  await engine.removeImage(`${app}:1.0`, { force: true });
  await engine.removeImage(`${app}:2.0`, { force: true });
});

after(async () => {
  await removeTestImages([app]);
  await rm(dir, { recursive: true, force: true });
  await signer.cleanup();
  await host.cleanup();
});

test('keys: private key 0600 in a 0700 folder, never overwritten, listed with fingerprints', async () => {
  const { stat } = await import('node:fs/promises');
  assert.equal((await stat(join(signer.home, 'keys'))).mode & 0o777, 0o700);
  assert.equal((await stat(join(signer.home, 'keys', 'old.key'))).mode & 0o777, 0o600);
  const again = await as(signer.home, ['key', 'generate', 'old']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already exists/);
  const list = JSON.parse((await as(signer.home, ['key', 'list', '--json'])).stdout) as Array<{
    name: string;
    fingerprint: string;
    private: boolean;
  }>;
  assert.deepEqual(
    list.map((k) => [k.name, k.fingerprint, k.private]),
    [
      ['new', fp.new, true],
      ['old', fp.old, true],
    ],
  );
  assert.match(fp.old ?? '', /^SHA256:[A-Za-z0-9+/]{43}$/);
});

test('without a trusted key, an unsigned archive installs as before', async () => {
  ok(await onHost('install', await copyOf(dam1, 'plain.dam')), 'install unsigned');
  await removeApp();
});

test('with a key trusted, an unsigned .dam is refused before the engine changes', async () => {
  ok(await onHost('trust', 'add', join(dir, 'old.pub')), 'trust add');
  const out = await onHost('install', await copyOf(dam1, 'unsigned.dam'));
  assert.equal(out.code, 1);
  assert.match(out.stderr, /Refused \(unsigned\)/);
  assert.match(out.stderr, /--insecure-allow-unsigned/);
  await assertUntouched('unsigned');
});

test('--insecure-allow-unsigned lets it through with a warning, recorded in the journal', async () => {
  const file = await copyOf(dam1, 'insecure.dam');
  const killed = await as(host.home, ['install', file, '--insecure-allow-unsigned'], {
    DAM_FAULT_KILL_AT: 'before-commit',
  });
  assert.equal(killed.signal, 'SIGKILL');
  const journals = (await readdir(join(host.home, 'journal'))).filter((f) => f.endsWith('.json'));
  const journal = JSON.parse(await readFile(join(host.home, 'journal', journals[0] ?? ''), 'utf8')) as {
    signatures?: Array<Record<string, unknown>>;
  };
  assert.deepEqual(journal.signatures, [
    { archive: file, status: 'refused', reason: 'unsigned', override: '--insecure-allow-unsigned' },
  ]);
  ok(await onHost('recover'), 'recover');
  await assertUntouched('after recovery');
  const out = await onHost('install', file, '--insecure-allow-unsigned');
  ok(out, 'insecure install');
  assert.match(out.stderr, /warning.*--insecure-allow-unsigned: accepting .*insecure\.dam/i);
  await removeApp();
});

test('a .dam signed by an unknown key is refused, naming the fingerprint', async () => {
  const out = await onHost('install', await copyOf(dam1, 'unknown.dam', 'new'));
  assert.equal(out.code, 1);
  assert.match(out.stderr, /Refused \(unknown-key\)/);
  assert.ok(out.stderr.includes(fp.new ?? '?'), out.stderr);
  await assertUntouched('unknown key');
});

test("an altered signature, another file's signature and a tampered .dam are refused", async () => {
  const edited = await copyOf(dam1, 'edited.dam', 'old', ['--sequence', '1']);
  const sig = JSON.parse(await readFile(`${edited}.sig`, 'utf8')) as { payload: string };
  sig.payload = sig.payload.replace('"sequence":1', '"sequence":9');
  await writeFile(`${edited}.sig`, JSON.stringify(sig));
  let out = await onHost('install', edited);
  assert.match(out.stderr, /Refused \(bad-signature\)/);

  const swapped = await copyOf(dam2, 'swapped.dam');
  const signed1 = await copyOf(dam1, 'signed1.dam', 'old');
  await copyFile(`${signed1}.sig`, `${swapped}.sig`);
  out = await onHost('install', swapped);
  assert.match(out.stderr, /Refused \(digest-mismatch\)/);

  const tampered = await copyOf(dam1, 'tampered.dam', 'old');
  const bytes = await readFile(tampered);
  bytes.writeUInt8(bytes.readUInt8(bytes.length - 20) ^ 0x01, bytes.length - 20);
  await writeFile(tampered, bytes);
  out = await onHost('install', tampered);
  assert.equal(out.code, 1);
  // One pass: a damaged byte is caught by gzip's own check before the file's hash is complete.
  assert.match(out.stderr, /Refused \(digest-mismatch\)|is invalid: the gzip/);
  await assertUntouched('bad signatures');
});

test('an older signed release is refused after a newer one, and accepted with --allow-downgrade', async () => {
  // The later tests install releases signed before this test's newer one, which rollback protection per app
  // would refuse: they get the host's trust policy back as it was.
  const trustBefore = await readFile(join(host.home, 'trust.json'), 'utf8');
  const newer = await copyOf(dam2, 'newer.dam', 'old', ['--sequence', '10']);
  const older = await copyOf(dam1, 'older.dam', 'old', ['--sequence', '5']);
  ok(await onHost('install', newer), 'install seq 10');
  await removeApp();
  const out = await onHost('install', older);
  assert.equal(out.code, 1);
  assert.match(out.stderr, /Refused \(rollback\).*sequence 5, older than sequence 10/);
  await assertUntouched('rollback');
  ok(await onHost('install', older, '--allow-downgrade'), 'downgrade allowed');
  const trust = JSON.parse((await onHost('trust', 'list', '--json')).stdout) as {
    accepted: Array<{ product: string; sequence: number }>;
  };
  assert.deepEqual(
    trust.accepted.map((a) => [a.product, a.sequence]),
    [[app, 10]],
  );
  await removeApp();
  await writeFile(join(host.home, 'trust.json'), trustBefore);
});

test('bundles: info and import --dry-run show the signer and the trust; a signed bundle imports', async () => {
  // The test above installed the app from a .dam signed later than the bundle (under another product name),
  // and rollback protection per app compares signing times across names: a bundle signed before that
  // release would now be a rollback. Signed again, it is the newest release.
  ok(await as(signer.home, ['sign', 'old', bundle, '--sequence', '3']), 're-sign the bundle');
  const info = await onHost('info', bundle);
  ok(info, 'info');
  assert.match(
    info.stdout,
    new RegExp(
      `Signature: +signed by 'old' \\(${(fp.old ?? '').replace(/[+/]/g, '\\$&')}\\) \\('plant' sequence 3\\): trusted by this host`,
    ),
  );
  const dry = await onHost('import', bundle, '--dry-run', '--json');
  ok(dry, 'dry-run');
  const plan = JSON.parse(dry.stdout) as { signature: { status: string; signer: { trustedAs: string } } };
  assert.equal(plan.signature.status, 'trusted');
  assert.equal(plan.signature.signer.trustedAs, 'old');
  await assertUntouched('dry-run');
  ok(await onHost('import', bundle, '--yes'), 'import');
  assert.ok(await engine.inspectImage(`${app}:1.0`));
  await removeApp();
});

/** Offset of the first byte of the index member's data and of the first blob's data in a plain tar bundle. */
function offsets(bytes: Buffer): { index: number; indexSize: number; blob: number } {
  const size = parseInt(bytes.subarray(124, 136).toString('ascii').replace(/\0.*$/, '').trim(), 8);
  return { index: 512, indexSize: size, blob: 512 + Math.ceil(size / 512) * 512 + 512 };
}

test("a tampered bundle index, a tampered blob, another bundle's signature: refused before the engine changes", async () => {
  const index = await copyOf(bundle, 'index.bundle');
  await copyFile(`${bundle}.sig`, `${index}.sig`);
  const bytes = await readFile(index);
  const o = offsets(bytes);
  const at = bytes.indexOf('"name":"plant"', o.index);
  assert.ok(at > 0 && at < o.index + o.indexSize);
  bytes.write('"name":"plans"', at);
  await writeFile(index, bytes);
  let out = await onHost('import', index, '--yes');
  assert.equal(out.code, 1);
  assert.match(out.stderr, /Refused \(digest-mismatch\)/);
  await assertUntouched('tampered index');

  const blob = await copyOf(bundle, 'blob.bundle');
  await copyFile(`${bundle}.sig`, `${blob}.sig`);
  const blobBytes = await readFile(blob);
  const b = offsets(blobBytes).blob + 3;
  blobBytes.writeUInt8(blobBytes.readUInt8(b) ^ 0x20, b);
  await writeFile(blob, blobBytes);
  out = await onHost('import', blob, '--yes');
  assert.equal(out.code, 1);
  assert.match(out.stderr, /signed by 'old'.*trusted by this host/, 'the signature holds: the index is intact');
  assert.match(out.stderr, /member 'layers\/[0-9a-f]{64}\.tar' has sha256 [0-9a-f]{64}, the index says/);
  await assertUntouched('tampered blob');

  const other = await copyOf(otherBundle, 'swapped.bundle');
  await copyFile(`${bundle}.sig`, `${other}.sig`);
  out = await onHost('import', other, '--yes');
  assert.match(out.stderr, /Refused \(digest-mismatch\)/);
  await assertUntouched('other bundle');
});

test('a replayed older bundle is refused, and accepted with --allow-downgrade', async () => {
  const newer = await copyOf(bundle, 'seq9.bundle', 'old', ['--sequence', '9']);
  const older = await copyOf(bundle, 'seq4.bundle', 'old', ['--sequence', '4']);
  ok(await onHost('import', newer, '--yes'), 'import seq 9');
  await removeApp();
  const out = await onHost('import', older, '--yes');
  assert.equal(out.code, 1);
  assert.match(out.stderr, /Refused \(rollback\).*'plant' sequence 4, older than sequence 9/);
  await assertUntouched('bundle rollback');
  ok(await onHost('import', older, '--yes', '--allow-downgrade'), 'downgrade');
  await removeApp();
});

test('a DAM 1.x export must be signed too: refused unsigned, imported once signed under a product name', async () => {
  const unsigned = await copyOf(export1x, 'unsigned-1x.tar');
  let out = await onHost('import', unsigned, '--yes');
  assert.equal(out.code, 1);
  assert.match(out.stderr, /Refused \(unsigned\)/);
  await assertUntouched('unsigned 1.x export');
  const nameless = await as(signer.home, ['sign', 'old', unsigned]);
  assert.equal(nameless.code, 2);
  assert.match(nameless.stderr, /--name/);
  const signed = await copyOf(export1x, 'signed-1x.tar', 'old', ['--name', 'legacy', '--sequence', '1']);
  out = await onHost('import', signed, '--dry-run');
  assert.match(out.stdout, /Signature: signed by 'old' .*\('legacy' sequence 1\): trusted by this host/);
  ok(await onHost('import', signed, '--yes'), 'import signed 1.x export');
  assert.ok(await engine.inspectImage(`${app}:1.0`));
  await removeApp();
});

test('key rotation: trust the new key, remove the old: old-signed refused, new-signed accepted', async () => {
  ok(await onHost('trust', 'add', join(dir, 'new.pub'), '--name', 'rotated'), 'trust new');
  ok(await onHost('trust', 'remove', 'old'), 'remove old');
  const out = await onHost('import', bundle, '--yes');
  assert.equal(out.code, 1);
  assert.match(out.stderr, /Refused \(unknown-key\)/);
  assert.ok(out.stderr.includes(fp.old ?? '?'));
  await assertUntouched('old key');
  const rotated = await copyOf(bundle, 'rotated.bundle', 'new', ['--sequence', '1']);
  ok(await onHost('import', rotated, '--yes'), 'new-signed import');
  const keys = JSON.parse((await onHost('trust', 'list', '--json')).stdout) as {
    keys: Array<{ name: string; fingerprint: string }>;
  };
  assert.deepEqual(
    keys.keys.map((k) => [k.name, k.fingerprint]),
    [['rotated', fp.new]],
  );
  await removeApp();
});
