// Hostile archives against the real engine: what the engine loads is exactly what DAM verified. Each attack
// is built here by hand; DAM must refuse it with a DamError, run no script, and leave the engine's tags of
// this test's names and DAM's state byte for byte as they were. Swaps of a signed file happen after DAM's
// Nth close of it (inotify) and at the confirmation prompt of `dam import`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { dam, tempHome, uniqueName, type DamResult } from './harness/dam.js';
import {
  engineView,
  hasStackTrace,
  manifestFor,
  removeLabelledImages,
  stateView,
  synthApp,
  v1Members,
  writeDam,
  type SynthApp,
} from './harness/hostile.js';
import { damAtPrompt, damSwappingAfterClose, swapIn } from './harness/swap.js';
import { ociMembers, podmanMembers, tarOf, type Member } from '../src/adapters/archive/fixtures.test-helper.js';
import {
  END_OF_ARCHIVE,
  gnuLongName,
  headerBlock,
  memberBlocks,
  paxBlocks,
  withoutEnd,
} from '../src/core/archive/tar-blocks.test-helper.js';
import { testEngine } from './harness/engine.js';

const run = uniqueName('hostile');
const labelValue = run;
const label = { 'dam.test': labelValue };
const labelFilter = `dam.test=${labelValue}`;
const good = uniqueName('hgood');
const victim = uniqueName('hvictim');
const engine = testEngine();
let dir: string;
let log: string;
let home: string;
let cleanupHome: () => Promise<void>;
let goodApp: SynthApp;
let evilApp: SynthApp;
let victimApp: SynthApp;
const watched = () => [`${good}:1.0`, `${good}:6.6`, `${victim}:1.0`];

const ok = (r: DamResult, what: string) => assert.equal(r.code, 0, `${what}: ${r.stderr}`);
const onHost = (args: string[], h = home) => dam(args, { home: h, cwd: dir, env: { DAMTEST_LOG: log } });

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'damtest-hostile-'));
  log = join(dir, 'scripts.log');
  await writeFile(log, '');
  ({ home, cleanup: cleanupHome } = await tempHome());
  victimApp = await synthApp(victim, '1.0', 'victim', label);
  goodApp = await synthApp(good, '1.0', 'good', label);
  evilApp = await synthApp(good, '6.6', 'EVIL', label);
  // The victim: another app, already installed; its tag must keep pointing at its image.
  ok(
    await onHost(['install', await writeDam(dir, victim, '1.0', await tarOf(victimApp.members))]),
    'install the victim',
  );
  assert.equal((await engine.inspectImage(`${victim}:1.0`))?.id, victimApp.imageId);
});

after(async () => {
  await removeLabelledImages(labelFilter);
  await rm(dir, { recursive: true, force: true });
  await cleanupHome();
});

/** Runs `args`; DAM must refuse with a DamError, run no script, and change neither the engine nor its state. */
async function refused(what: string, args: string[], h = home): Promise<DamResult> {
  const engineBefore = await engineView(watched(), labelFilter);
  const stateBefore = await stateView(h);
  const logBefore = await readFile(log, 'utf8');
  const out = await onHost(args, h);
  assert.equal(out.code, 1, `${what}: exit code (stderr: ${out.stderr})`);
  assert.match(out.stderr, /^error: .+\nhint: /m, `${what}: a DamError`);
  assert.equal(hasStackTrace(out.stderr + out.stdout), false, `${what}: no stack trace: ${out.stderr}`);
  assert.equal(await readFile(log, 'utf8'), logBefore, `${what}: no script ran`);
  assert.equal(
    await engineView(watched(), labelFilter),
    engineBefore,
    `${what}: the engine's tags and images are as before`,
  );
  assert.deepEqual(await stateView(h), stateBefore, `${what}: DAM's state is byte for byte as before`);
  return out;
}

async function file(name: string, bytes: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

const evilManifest = () => manifestFor(evilApp, [`${victim}:1.0`]);
const goodPlusEvil = () => tarOf([...goodApp.members, ...evilApp.parts]);

test('a manifest.json behind a symbolic link to the archive root is refused', async () => {
  const members: Member[] = [
    { name: 'up', type: 'symlink', linkname: '.' },
    ...goodApp.members,
    ...evilApp.parts,
    { name: 'up/manifest.json', data: evilManifest() },
  ];
  const out = await refused('symlinked parent', ['install', await file('linked-parent.tar', await tarOf(members))]);
  assert.match(out.stderr, /lies inside 'up', which is a symbolic link/);
});

test('an OCI layout without manifest.json, whose blobs folder links to a legacy image, is refused', async () => {
  // Docker 20.10 falls back to its legacy loader, which reads `repositories` and the linked `<id>/json`.
  const labels = { ...label, DAM_APP_FAMILY: good, DAM_APP_MULTIVERSION: 'false', DAM_APP_SERVERS: ',' };
  const legacy = v1Members(`${victim}:1.0`, evilApp.layer, labels);
  const oci = ociMembers({ layers: [goodApp.layer], labels, repoTags: [`${good}:1.0`] }).filter(
    (m) => m.name !== 'blobs',
  );
  const members = [
    ...legacy,
    { name: 'blobs', type: 'symlink' as const, linkname: legacy[0]!.name.replace(/\/$/, '') },
    ...oci,
  ];
  const out = await refused('OCI without manifest.json', ['install', await file('oci-v1.tar', await tarOf(members))]);
  assert.match(
    out.stderr,
    /lies inside 'blobs', which is a symbolic link|legacy repositories file but no manifest\.json/,
  );
});

test('a GNU long name and a PAX path on one entry are refused', async () => {
  const bytes = Buffer.concat([
    withoutEnd(await goodPlusEvil()),
    gnuLongName('manifest.json'),
    paxBlocks({ path: 'notes.json' }),
    memberBlocks('notes.json', evilManifest()),
    END_OF_ARCHIVE,
  ]);
  const out = await refused('GNU name and PAX path', ['install', await file('gnu-pax.tar', bytes)]);
  assert.match(out.stderr, /both a GNU long name and a PAX path/);
});

test('a PAX global header is refused', async () => {
  const bytes = Buffer.concat([
    withoutEnd(await goodPlusEvil()),
    paxBlocks({ path: 'notes.json' }, 'g'),
    paxBlocks({ mtime: '0' }),
    memberBlocks('manifest.json', evilManifest()),
    END_OF_ARCHIVE,
  ]);
  const out = await refused('PAX global header', ['install', await writeDam(dir, good, '1.0', bytes)]);
  assert.match(out.stderr, /PAX global header/);
});

test('members after the end-of-archive marker are refused', async () => {
  const labels = { ...label, DAM_APP_FAMILY: good };
  const bytes = Buffer.concat([
    await tarOf(v1Members(`${victim}:1.0`, evilApp.layer, labels)),
    await tarOf(goodApp.members),
  ]);
  const out = await refused('data after the end marker', ['install', await writeDam(dir, good, '1.0', bytes)]);
  assert.match(out.stderr, /data after the end-of-archive marker/);
});

test('an archive that also tags another installed app is refused, and that app keeps its image', async () => {
  const hijack = await synthApp(good, '1.0', 'good', label, [`${good}:1.0`, `${victim}:1.0`]);
  const out = await refused('extra tag', ['install', await writeDam(dir, good, '1.0', await tarOf(hijack.members))]);
  assert.match(out.stderr, new RegExp(`also tags it ${victim}:1\\.0`));
  assert.equal((await engine.inspectImage(`${victim}:1.0`))?.id, victimApp.imageId);
});

test('a gzip bomb is refused at its first header, before the engine stores its bytes', async () => {
  const zeros = gzipSync(Buffer.alloc(1 << 20));
  const head = gzipSync(Buffer.concat([headerBlock('bomb/layer.tar', '0', 8 * 1024 ** 3)]));
  const bomb = Buffer.concat([head, ...Array.from({ length: 8192 }, () => zeros), gzipSync(END_OF_ARCHIVE)]);
  const started = Date.now();
  const out = await refused('gzip bomb', ['install', await file('bomb.dam', bomb)]);
  assert.match(out.stderr, /unpacks to more than \d+ bytes/);
  assert.ok(Date.now() - started < 20_000, 'refused early');
});

test('archives that fail at once (garbage after gzip magic, cut short) end in a DamError, no stack trace', async () => {
  const whole = gzipSync(await tarOf(goodApp.members));
  await refused('garbage', [
    'install',
    await file('garbage.dam', Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(64, 0xa5)])),
  ]);
  await refused('cut short', ['install', await file('cut.dam', whole.subarray(0, whole.length >> 1))]);
});

test('a Podman docker-archive (layers as symbolic links to earlier members) installs', async () => {
  const labels = { ...label, DAM_APP_FAMILY: good, DAM_APP_MULTIVERSION: 'false', DAM_APP_SERVERS: ',' };
  const path = await file(
    'podman.tar',
    await tarOf(podmanMembers({ layers: [goodApp.layer], labels, repoTags: [`${good}:1.0`] })),
  );
  ok(await onHost(['install', path]), 'install the Podman archive');
  assert.equal((await engine.inspectImage(`${good}:1.0`))?.id, goodApp.imageId);
  assert.match(await readFile(log, 'utf8'), new RegExp(`good install ${good}`));
  ok(await onHost(['remove', good]), 'remove');
  await engine.removeImage(`${good}:1.0`, { force: true });
});

/** A host that trusts one key, a signer with that key, a signed good .dam and an evil one under the same tag. */
async function signingSetup(): Promise<{
  host: string;
  signed: string;
  evil: string;
  sign(path: string, extra?: string[]): Promise<void>;
  cleanup: () => Promise<void>;
}> {
  const signer = await tempHome();
  const host = await tempHome();
  const own = await mkdtemp(join(dir, 'signed-'));
  ok(await dam(['key', 'generate', 'vendor'], { home: signer.home }), 'key generate');
  await writeFile(
    join(own, 'vendor.pub'),
    (await dam(['key', 'export-public', 'vendor'], { home: signer.home })).stdout,
  );
  ok(await onHost(['trust', 'add', join(own, 'vendor.pub')], host.home), 'trust add');
  const sign = async (path: string, extra: string[] = []) =>
    ok(await dam(['sign', 'vendor', path, ...extra], { home: signer.home }), `sign ${path}`);
  const signed = await writeDam(own, good, '1.0', await tarOf(goodApp.members));
  await sign(signed);
  const evilTagged = await synthApp(good, '1.0', 'EVIL', label);
  const evil = await writeDam(own, `${good}-evil`, '1.0', await tarOf(evilTagged.members));
  return {
    host: host.home,
    signed,
    evil,
    sign,
    cleanup: async () => {
      await signer.cleanup();
      await host.cleanup();
    },
  };
}

/** After a swap: refused with nothing changed, or the signed (good) image installed; never the evil script. */
async function neverEvil(what: string, out: DamResult & { swapped: boolean }, host: string): Promise<void> {
  assert.equal(hasStackTrace(out.stderr), false, `${what}: ${out.stderr}`);
  assert.doesNotMatch(await readFile(log, 'utf8'), /EVIL/, `${what}: the swapped-in script never runs`);
  if (out.code === 0) {
    assert.equal(
      (await engine.inspectImage(`${good}:1.0`))?.id,
      goodApp.imageId,
      `${what}: only the signed image loads`,
    );
    ok(await onHost(['remove', good], host), 'remove');
  } else {
    assert.equal(out.code, 1, `${what}: ${out.stderr}`);
    assert.deepEqual(JSON.parse((await onHost(['list', '--json'], host)).stdout), [], `${what}: nothing installed`);
  }
  assert.equal(
    await engine
      .inspectImage(`${good}:1.0`)
      .then((i) => i?.id ?? null)
      .then((id) => id === null || id === goodApp.imageId),
    true,
    `${what}: the tag never points at the evil image`,
  );
  await engine.removeImage(`${good}:1.0`, { force: true }).catch(() => undefined);
}

test("a signed .dam swapped after DAM's Nth close never loads under the signature", async () => {
  const s = await signingSetup();
  try {
    for (const n of [1, 2, 3]) {
      const target = join(dir, `swap-${n}-${good}-1.0.dam`);
      await copyFile(s.signed, target);
      await copyFile(`${s.signed}.sig`, `${target}.sig`);
      const out = await damSwappingAfterClose(s.host, ['install', target], { DAMTEST_LOG: log }, target, s.evil, n);
      await neverEvil(`swap after close ${n}`, out, s.host);
    }
  } finally {
    await s.cleanup();
  }
});

test('a signed DAM 1.x export swapped at the confirmation prompt of dam import is refused', async () => {
  const s = await signingSetup();
  try {
    const exportOf = async (name: string, damFile: string) => {
      const damName = damFile.slice(damFile.lastIndexOf('/') + 1);
      return file(
        name,
        await tarOf([
          { name: '', type: 'directory' },
          { name: '/app_list', data: `${good}:1.0\n` },
          { name: `/${damName}`, data: await readFile(damFile) },
        ]),
      );
    };
    const target = await exportOf('export-1x.tar', s.signed);
    const evilExport = await exportOf('evil-export-1x.tar', s.evil);
    await s.sign(target, ['--name', 'plant']);
    const out = await damAtPrompt(s.host, ['import', target], { DAMTEST_LOG: log }, () => swapIn(target, evilExport));
    assert.ok(out.swapped, `the prompt was reached: ${out.stdout}`);
    assert.equal(out.code, 1, out.stdout);
    assert.match(out.stdout, /changed after it was opened/);
    await neverEvil('swap at the prompt', out, s.host);
  } finally {
    await s.cleanup();
  }
});
