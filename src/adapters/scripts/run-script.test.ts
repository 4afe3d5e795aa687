import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDamError } from '../../core/errors.js';
import { runScript, ScriptFailedError, type RunScriptOptions } from './run-script.js';
import { instanceName } from '../../core/script-env.js';

let meta: string;
before(async () => {
  meta = await mkdtemp(join(tmpdir(), 'damtest-run-script-'));
});
after(() => rm(meta, { recursive: true, force: true }));

const app = { name: 'web', version: '2.0', tag: 'reg:5000/web:2.0', family: 'webfam', action: 'install' as const };

async function script(body: string, options: Partial<RunScriptOptions> & { mode?: number; shebang?: boolean } = {}) {
  const text = options.shebang === false ? body : `#!/bin/sh\n${body}`;
  await writeFile(join(meta, 'install'), text, { mode: options.mode ?? 0o755 });
  const lines: string[] = [];
  const result = runScript({
    script: 'install',
    metaDir: meta,
    app,
    baseEnv: { PATH: process.env.PATH, HOME: '/root', DAM_HOME: '/secret', REGISTRY_PASSWORD: 'pw' },
    onLine: (l) => lines.push(l),
    ...options,
  });
  return { result, lines };
}

/** Running, as opposed to gone or a zombie waiting for init to reap it. */
async function alive(pid: number): Promise<boolean> {
  for (let i = 0; i < 20; i++) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    if (stat === '' || / Z /.test(stat.slice(stat.lastIndexOf(')')))) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

test('the script runs in the meta copy with the contract environment and no secrets', async () => {
  const { result, lines } = await script('pwd; env | grep -E "^(DAM_|HOME=|REGISTRY)" | sort');
  const { output } = await result;
  assert.deepEqual(lines, [
    meta,
    'DAM_ACTION=install',
    'DAM_APP_FAMILY=webfam',
    'DAM_APP_NAME=web',
    'DAM_APP_TAG=reg:5000/web:2.0',
    'DAM_APP_VERSION=2.0',
    `DAM_INSTANCE=${instanceName('web', meta)}`,
    'HOME=/root',
  ]);
  assert.equal(output, `${lines.join('\n')}\n`);
});

test('upgrade passes the old and new versions', async () => {
  const { result, lines } = await script('echo "$DAM_ACTION $DAM_OLD_VERSION $DAM_NEW_VERSION"', {
    app: { ...app, action: 'upgrade', oldVersion: '1.0', newVersion: '2.0' },
  });
  await result;
  assert.deepEqual(lines, ['upgrade 1.0 2.0']);
});

test('output is streamed line by line while the script runs, stdout and stderr both', async () => {
  const started = Date.now();
  const seen: number[] = [];
  await writeFile(join(meta, 'install'), '#!/bin/sh\necho one\necho two >&2\nsleep 1\necho three\n', { mode: 0o755 });
  await runScript({
    script: 'install',
    metaDir: meta,
    app,
    onLine: (l) => seen.push(Date.now() - started) && l.length,
  });
  assert.equal(seen.length, 3);
  assert.ok(seen[1]! < 900 && seen[2]! >= 900, `first lines came before the sleep ended: ${seen.join(',')}`);
});

test('stdin is closed: a script reading it gets end of input at once', async () => {
  const { result, lines } = await script('if read line; then echo "got $line"; else echo eof; fi', { timeoutMs: 5000 });
  await result;
  assert.deepEqual(lines, ['eof']);
});

test('a script without a shebang or exec bit runs through /bin/sh', async () => {
  const { result, lines } = await script('echo "plain $DAM_APP_NAME"\n', { shebang: false, mode: 0o644 });
  await result;
  assert.deepEqual(lines, ['plain web']);
});

test('a non-zero exit is SCRIPT_FAILED naming the script, the code and the last output', async () => {
  const { result } = await script(
    'i=0; while [ $i -lt 100 ]; do echo "line $i"; i=$((i+1)); done; echo "disk full" >&2; exit 3',
  );
  await assert.rejects(result, (err: unknown) => {
    assert.ok(err instanceof ScriptFailedError && isDamError(err, 'SCRIPT_FAILED'));
    assert.match(err.message, /^The install script of web:2\.0 \(.+\/install\) exited with code 3\.\nLast output:\n/);
    assert.match(err.message, /line 99\ndisk full$/);
    assert.doesNotMatch(err.message, /line 50\n/, 'only the tail is in the message');
    assert.equal(err.details.exitCode, 3);
    assert.match(err.details.output, /line 0\n/, 'the kept output has all of it');
    return true;
  });
});

test('a hanging script is killed at the timeout with its whole process group', async () => {
  const pidFile = join(meta, 'child.pid');
  const started = Date.now();
  const { result } = await script(`sleep 300 & echo $! > ${pidFile}; echo started; wait`, {
    timeoutMs: 1000,
    killGraceMs: 500,
  });
  await assert.rejects(
    result,
    (err: unknown) =>
      err instanceof ScriptFailedError &&
      err.details.timedOut &&
      /timed out after 1 s and was killed with its process group\.\nLast output:\nstarted$/.test(err.message),
  );
  assert.ok(Date.now() - started < 5000);
  const child = Number(await readFile(pidFile, 'utf8'));
  assert.equal(await alive(child), false, `the background sleep ${child} was killed too`);
});

test('a script ignoring SIGTERM is killed with SIGKILL after the grace period', async () => {
  const { result } = await script("trap '' TERM; echo ready; while true; do sleep 0.1; done", {
    timeoutMs: 500,
    killGraceMs: 300,
  });
  await assert.rejects(result, (err: unknown) => err instanceof ScriptFailedError && err.details.timedOut);
});

test('aborting (Ctrl-C) kills the script and reports INTERRUPTED', async () => {
  const controller = new AbortController();
  const { result } = await script('echo go; sleep 300', { signal: controller.signal });
  setTimeout(() => controller.abort(), 300);
  await assert.rejects(result, (err: unknown) => isDamError(err, 'INTERRUPTED'));
});

test('a missing script is NOT_FOUND', async () => {
  await assert.rejects(
    runScript({ script: 'uninstall', metaDir: meta, app }),
    (err: unknown) => isDamError(err, 'NOT_FOUND') && /uninstall script of web:2\.0/.test(err.message),
  );
});

test('a script that leaves a daemon holding its output does not hang DAM', async () => {
  const started = Date.now();
  const pidFile = join(meta, 'daemon.pid');
  const { result } = await script(`sleep 30 & echo $! > ${pidFile}; echo done`);
  await result;
  assert.ok(Date.now() - started < 10_000);
  process.kill(Number(await readFile(pidFile, 'utf8')), 'SIGKILL');
});
