// Rolling a signed product out to a site of three hosts with Ansible (real ansible-core, real SSH on
// loopback, one engine and one DAM state per host): check mode first, then the rollout, a second run that
// changes nothing and sends no bundle again, a damaged copy replaced, an upgrade, an app changed behind
// DAM's back (dam verify fails and is reported), a host whose engine is down (left as it was, reported, the
// others converge), max_fail_percentage stopping the play, a bundle missing on the controller, the modules'
// idempotence and errors, and ansible-lint.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { dam, tempHome, uniqueName, type DamResult } from './harness/dam.js';
import { buildTestApp, removeTestImages } from './harness/apps.js';
import {
  COLLECTION_DIR,
  exec,
  fleetSkipReason,
  hostApps,
  hostDam,
  playbook,
  recap,
  startSite,
  type Site,
} from './harness/fleet.js';

const skip = fleetSkipReason();
const ROLLOUT = join(COLLECTION_DIR, 'playbooks', 'rollout.yml');
const a = uniqueName('fla');
const b = uniqueName('flb');
let site: Site;
let vendor: { home: string; cleanup: () => Promise<void> };
const bundles: Record<string, string> = {};
let publicKey: string;

function ok(out: DamResult): DamResult {
  assert.equal(out.code, 0, `${out.stdout}\n${out.stderr}`);
  return out;
}

/** The vendor's machine: apps built and installed there, each release exported as one signed bundle. */
async function vendorReleases(): Promise<void> {
  vendor = await tempHome();
  const run = (args: string[]) =>
    dam(args, { home: vendor.home, env: { DAMTEST_LOG: join(site.dir, 'vendor.log') }, timeoutMs: 300_000 });
  for (const [name, version] of [
    [a, '1.0'],
    [a, '2.0'],
    [a, '3.0'],
    [b, '1.0'],
    [b, '2.0'],
  ] as const)
    await buildTestApp({ name, version });
  ok(await run(['key', 'generate', 'vendor']));
  publicKey = join(site.dir, 'vendor.pub');
  await writeFile(publicKey, ok(await run(['key', 'export-public', 'vendor'])).stdout);
  const release = async (n: number) => {
    bundles[`v${n}`] = join(site.dir, `line-v${n}.bundle`);
    ok(
      await run(['export', '--all', '--name', 'line', '--sign', 'vendor', '--sequence', String(n), bundles[`v${n}`]!]),
    );
  };
  ok(await run(['install', `${a}:1.0`, `${b}:1.0`]));
  await release(1);
  ok(await run(['upgrade', `${a}:2.0`]));
  await release(2);
  ok(await run(['upgrade', `${b}:2.0`]));
  await release(3);
  ok(await run(['upgrade', `${a}:3.0`]));
  await release(4);
}

before(async () => {
  if (skip) return;
  site = await startSite(3);
  await vendorReleases();
});

after(async () => {
  if (skip) return;
  await site?.stop();
  await vendor?.cleanup();
  await removeTestImages([a, b]);
});

/** The shipped playbook, or a copy of it with another max_fail_percentage, as a site would make one. */
async function rolloutBook(maxFailPercentage: number): Promise<string> {
  if (maxFailPercentage === 0) return ROLLOUT;
  const copy = join(site.dir, `rollout-${maxFailPercentage}.yml`);
  const text = (await readFile(ROLLOUT, 'utf8')).replace(
    '\n  max_fail_percentage: 0\n',
    `\n  max_fail_percentage: ${maxFailPercentage}\n`,
  );
  assert.match(text, new RegExp(`max_fail_percentage: ${maxFailPercentage}\n`));
  await writeFile(copy, text);
  return copy;
}

const rollout = async (
  bundle: string,
  extra: Record<string, unknown> = {},
  flags: string[] = [],
  maxFailPercentage = 0,
) =>
  playbook(
    site,
    await rolloutBook(maxFailPercentage),
    {
      dam_rollout_bundle: bundle,
      dam_rollout_trusted_keys: [{ name: 'vendor', src: publicKey }],
      dam_serial: 3,
      ...extra,
    },
    flags,
  );

async function report(host: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(site.dir, 'reports', `${host}.json`), 'utf8')) as Record<string, unknown>;
}

const checkFolders = async () => (await readdir('/tmp')).filter((f) => f.startsWith('dam-check-'));

test('check mode shows the plan with --diff and leaves every host as it was', { skip }, async () => {
  const earlier = await checkFolders();
  const out = await rollout(bundles.v1!, {}, ['--check', '--diff']);
  assert.equal(out.code, 0, out.out);
  assert.match(out.out, new RegExp(`\\+${a}:1\\.0`));
  assert.match(out.out, new RegExp(`\\+${b}:1\\.0`));
  for (const h of site.hosts) {
    assert.equal(existsSync(h.damPath), false, `${h.name}: DAM was installed in check mode`);
    assert.equal(existsSync(h.home), false, `${h.name}: a state directory was made in check mode`);
    assert.equal(existsSync(h.bundleDir), false, `${h.name}: the bundle was copied in check mode`);
    assert.deepEqual(await h.engine.engine.listImages(), [], `${h.name}: the engine changed in check mode`);
  }
  const leftovers = (await checkFolders()).filter((f) => !earlier.includes(f));
  assert.deepEqual(leftovers, [], 'the check-mode folders are removed');
});

test(
  'the rollout puts DAM on each host, trusts the public key only, imports, verifies and reports',
  { skip },
  async () => {
    const out = await rollout(bundles.v1!);
    assert.equal(out.code, 0, out.out);
    for (const h of site.hosts) {
      assert.deepEqual(await hostApps(h), [`${a}:1.0`, `${b}:1.0`].sort(), h.name);
      const trusted = JSON.parse(ok(await hostDam(h, ['trust', 'list', '--json'])).stdout) as {
        keys: Array<{ name: string }>;
      };
      assert.deepEqual(
        trusted.keys.map((k) => k.name),
        ['vendor'],
      );
      assert.deepEqual(await readdir(join(h.home, '..', 'keys')), ['vendor.pub'], 'only the public key reaches a host');
      const r = await report(h.name);
      assert.equal(r.ok, true);
      assert.equal(r.changed, true);
      assert.deepEqual(r.before, []);
      assert.deepEqual(r.after, [`${a}:1.0`, `${b}:1.0`].sort());
      assert.equal(r.verified, true);
      assert.equal(typeof r.durationSeconds, 'number');
    }
    const summary = await readFile(join(site.dir, 'reports', 'summary.txt'), 'utf8');
    assert.match(summary, /3 of 3 hosts ok/);
  },
);

/** The product and its signature as they are in each host's folder: inode and mtime, which a new copy changes. */
async function copies(): Promise<string[]> {
  const names = [basename(bundles.v1!), `${basename(bundles.v1!)}.sig`];
  return Promise.all(
    site.hosts.flatMap((h) =>
      names.map(async (n) => {
        const s = await stat(join(h.bundleDir, n));
        return `${h.name}/${n} ${s.ino} ${s.mtimeMs}`;
      }),
    ),
  );
}

test('a second run changes nothing on any host and does not send the bundle again', { skip }, async () => {
  const before = await copies();
  const out = await rollout(bundles.v1!);
  assert.equal(out.code, 0, out.out);
  const hosts = recap(out.out);
  for (const h of site.hosts) assert.equal(hosts[h.name]?.changed, 0, `${h.name} reported changes:\n${out.out}`);
  assert.deepEqual(await copies(), before, 'a host that had the same bytes was sent them again');
});

test('a copy that differs by one byte is replaced, and no partial file is left in the folder', { skip }, async () => {
  const line2 = site.hosts[1]!;
  const copy = join(line2.bundleDir, basename(bundles.v1!));
  const bytes = await readFile(copy);
  const middle = bytes.length >> 1;
  bytes[middle] = bytes[middle]! ^ 0xff;
  await writeFile(copy, bytes);
  // What an interrupted copy leaves: a temporary name, never the final one.
  const leftover = join(site.hosts[0]!.bundleDir, `.${basename(bundles.v1!)}.dam-part-x1y2z3`);
  await writeFile(leftover, 'half a bundle');
  const out = await rollout(bundles.v1!);
  assert.equal(out.code, 0, out.out);
  const copyTask = out.out.split('\nTASK [').find((t) => t.startsWith('dam.fleet.dam_rollout : Copy the product'));
  assert.match(copyTask ?? '', /^changed: \[line2\]$/m, out.out);
  assert.match(copyTask ?? '', /^ok: \[line1\]$/m, out.out);
  assert.deepEqual(await readFile(copy), await readFile(bundles.v1!), 'the damaged copy was not replaced');
  assert.equal(recap(out.out).line1?.changed, 0, out.out);
  for (const h of site.hosts)
    assert.deepEqual(
      (await readdir(h.bundleDir)).filter((f) => f.startsWith('.')),
      [],
      `${h.name}: a temporary file is left`,
    );
});

test('the next release upgrades every host', { skip }, async () => {
  const out = await rollout(bundles.v2!);
  assert.equal(out.code, 0, out.out);
  for (const h of site.hosts) {
    assert.deepEqual(await hostApps(h), [`${a}:2.0`, `${b}:1.0`].sort(), h.name);
    assert.deepEqual((await report(h.name)).appsChanged, [`upgrade ${a}:1.0 -> 2.0`]);
  }
});

/** The first regular file under `dir`: a kept /meta file of an installed app. */
async function firstFile(dir: string): Promise<string> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isFile()) return path;
    if (e.isDirectory()) {
      const found = await firstFile(path).catch(() => undefined);
      if (found) return found;
    }
  }
  throw new Error(`no file under ${dir}`);
}

test("an app changed behind DAM's back fails dam verify, and the report says which", { skip }, async () => {
  const line3 = site.hosts[2]!;
  const file = await firstFile(join(line3.home, 'apps'));
  const original = await readFile(file);
  await writeFile(file, Buffer.concat([original, Buffer.from('changed by hand\n')]));
  try {
    const out = await rollout(bundles.v2!);
    assert.equal(out.code, 2, out.out);
    const r = await report('line3');
    assert.equal(r.ok, false);
    assert.equal(r.verified, false);
    assert.equal(r.changed, false);
    const error = r.error as { code: string; message: string; hint: string };
    assert.equal(error.code, 'VERIFY_FAILED');
    assert.match(error.message, new RegExp(`${a}|${b}`));
    assert.ok(error.hint.length > 0);
    assert.equal((await report('line1')).verified, true);
  } finally {
    await writeFile(file, original);
  }
});

test('a host whose engine is down fails cleanly and is reported; the others converge', { skip }, async () => {
  const [line1, line2, line3] = site.hosts as [Site['hosts'][0], Site['hosts'][0], Site['hosts'][0]];
  const stateBefore = await readFile(join(line2.home, 'state.json'));
  await line2.engine.stop();
  const out = await rollout(bundles.v3!, {}, [], 50);
  assert.equal(out.code, 2, out.out);
  assert.deepEqual(await hostApps(line1), [`${a}:2.0`, `${b}:2.0`].sort());
  assert.deepEqual(await hostApps(line3), [`${a}:2.0`, `${b}:2.0`].sort());
  assert.deepEqual(await readFile(join(line2.home, 'state.json')), stateBefore, 'the failed host keeps its state');
  const r = await report('line2');
  assert.equal(r.ok, false);
  assert.deepEqual(r.after, [`${a}:2.0`, `${b}:1.0`].sort());
  const error = r.error as { code: string; message: string };
  assert.match(error.code, /^[A-Z_]+$/);
  assert.ok(error.message.length > 0);
  const summary = await readFile(join(site.dir, 'reports', 'summary.txt'), 'utf8');
  assert.match(summary, /line2\s+FAILED/);
  assert.match(summary, /2 of 3 hosts ok/);
});

test(
  'with max_fail_percentage 0 the play stops at the failed host and later batches are untouched',
  { skip },
  async () => {
    const [line1, , line3] = site.hosts as [Site['hosts'][0], Site['hosts'][0], Site['hosts'][0]];
    const out = await rollout(bundles.v4!, { dam_serial: 1 });
    assert.notEqual(out.code, 0, out.out);
    assert.deepEqual(await hostApps(line1), [`${a}:3.0`, `${b}:2.0`].sort());
    assert.deepEqual(
      await hostApps(line3),
      [`${a}:2.0`, `${b}:2.0`].sort(),
      'line3 is in a later batch: never touched',
    );
    assert.equal(recap(out.out).line3, undefined, out.out);
  },
);

test(
  'a bundle missing on the controller fails each host with a message naming it, and changes nothing',
  { skip },
  async () => {
    const missing = join(site.dir, 'no-such-release.bundle');
    const before = await Promise.all(site.hosts.map(hostApps));
    const out = await rollout(missing);
    assert.notEqual(out.code, 0, out.out);
    assert.deepEqual(await Promise.all(site.hosts.map(hostApps)), before);
    const error = (await report('line1')).error as { message: string };
    assert.match(error.message, /the file to copy, .*no-such-release\.bundle, is not on the controller/);
    assert.equal(out.out.includes('Traceback'), false, out.out);
  },
);

test("the modules are idempotent, keep passwords out of the output, and fail with DAM's error", { skip }, async () => {
  const book = join(site.dir, 'modules.yml');
  const password = 'S3cret-never-shown';
  await writeFile(
    book,
    `---
- name: Modules on one host
  hosts: line1
  gather_facts: false
  vars:
    common: { dam_path: "{{ dam_rollout_dam_path }}", home: "{{ dam_rollout_home }}" }
  tasks:
    - name: Add a repository
      dam.fleet.dam_repo: "{{ common | combine({'name': 'site', 'server': '127.0.0.1:5999', 'username': 'deploy', 'password': '${password}', 'insecure': true}) }}"
      register: added
    - name: Again
      dam.fleet.dam_repo: "{{ common | combine({'name': 'site', 'server': '127.0.0.1:5999', 'username': 'deploy', 'password': '${password}', 'insecure': true}) }}"
      register: again
    - name: Move it
      dam.fleet.dam_repo: "{{ common | combine({'name': 'site', 'server': '127.0.0.1:6000', 'insecure': true}) }}"
      register: moved
    - name: A name DAM refuses
      dam.fleet.dam_repo: "{{ common | combine({'name': 'bad name!', 'server': '127.0.0.1:6000'}) }}"
      register: refused
      ignore_errors: true
    - name: Trust the key again
      dam.fleet.dam_trust: "{{ common | combine({'key': dam_rollout_key_dir ~ '/vendor.pub', 'name': 'vendor'}) }}"
      register: trusted
    - name: Remove an app
      dam.fleet.dam_app: "{{ common | combine({'name': '${b}', 'state': 'absent', 'docker_host': dam_rollout_docker_host}) }}"
      register: removed
    - name: Remove it again
      dam.fleet.dam_app: "{{ common | combine({'name': '${b}', 'state': 'absent', 'docker_host': dam_rollout_docker_host}) }}"
      register: removed_again
    - name: Check
      ansible.builtin.assert:
        that:
          - added is changed
          - again is not changed
          - moved is changed and moved.repo.server == '127.0.0.1:6000'
          - refused is failed and refused.dam_error.code == 'INVALID_NAME' and refused.dam_error.message is search('bad name')
          - refused.dam_error.hint | length > 0
          - trusted is not changed
          - removed is changed and removed.after == []
          - removed_again is not changed
`,
  );
  const out = await playbook(site, book, {}, ['-vvv']);
  assert.equal(out.code, 0, out.out);
  assert.equal(out.out.includes(password), false, 'the password appears in the output');
  assert.deepEqual(await hostApps(site.hosts[0]!), [`${a}:3.0`]);
});

test('the site guide shows the playbook the collection ships', async () => {
  const guide = await readFile(join(COLLECTION_DIR, '..', '..', 'docs', 'fleet.md'), 'utf8');
  const shipped = await readFile(ROLLOUT, 'utf8');
  assert.ok(
    guide.includes(`\`\`\`yaml\n${shipped}\`\`\``),
    'docs/fleet.md must quote integrations/ansible/playbooks/rollout.yml exactly',
  );
});

test('ansible-lint finds nothing in the collection and the role', { skip }, async () => {
  const out = await exec(
    'ansible-lint',
    ['--offline', '--nocolor', '--profile', 'production', 'roles/dam_rollout', 'playbooks/rollout.yml', 'plugins'],
    { ...site.env, ANSIBLE_CONFIG: undefined, ANSIBLE_COLLECTIONS_PATH: join(site.dir, 'collections') },
    COLLECTION_DIR,
  );
  assert.equal(out.code, 0, out.out);
  const files = Number(
    /Passed with production profile: 0 failure\(s\), 0 warning\(s\) on (\d+) files/.exec(out.out)?.[1] ?? 0,
  );
  assert.ok(files >= 15, `ansible-lint looked at ${files} files only:\n${out.out}`);
});
