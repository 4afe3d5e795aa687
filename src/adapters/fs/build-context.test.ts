import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extract } from 'tar-stream';
import { readProject } from './project.js';
import { packContext } from './build-context.js';

async function project(files: Record<string, [string, number?]>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'damtest-ctx-'));
  for (const [path, [text, mode]] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text, { mode: mode ?? 0o644 });
  }
  return dir;
}

async function entries(stream: NodeJS.ReadableStream): Promise<Record<string, { mode: number; body: string }>> {
  const out: Record<string, { mode: number; body: string }> = {};
  const ex = extract();
  stream.pipe(ex as unknown as NodeJS.WritableStream);
  for await (const entry of ex) {
    const chunks: Buffer[] = [];
    for await (const c of entry as unknown as AsyncIterable<Buffer>) chunks.push(c);
    out[entry.header.name] = { mode: entry.header.mode, body: Buffer.concat(chunks).toString('utf8') };
  }
  return out;
}

test('the context: .dockerignore applied, rendered files added or replacing, scripts 0755, project untouched', async () => {
  const dir = await project({
    Dockerfile: ['FROM x\nCOPY meta /meta\n'],
    '.dockerignore': ['*.log\nmeta/*.log\nDockerfile\nsecret/\n!secret/ok\n'],
    'a.log': ['log'],
    'secret/no': ['no'],
    'secret/ok': ['ok'],
    'meta/install': ['old', 0o600],
    'meta/install.exp': ['#!/bin/sh\n${X}\n', 0o640],
    'meta/uninstall': ['#!/bin/sh\n', 0o644],
    'meta/conf.exp': ['c=${X}', 0o600],
    'meta/skip.log': ['x'],
  });
  try {
    const before = await readdir(join(dir, 'meta'));
    const p = await readProject(dir, 'proj');
    assert.deepEqual(p.listing.metaFiles, ['meta/conf.exp', 'meta/install', 'meta/install.exp', 'meta/uninstall']);
    assert.deepEqual(p.listing.ignoredMetaFiles, ['meta/skip.log']);
    assert.deepEqual(Object.keys(p.listing.texts).sort(), ['meta/conf.exp', 'meta/install.exp']);
    const tar = await entries(
      packContext(dir, p.entries, { 'meta/install': '#!/bin/sh\nrendered\n', 'meta/conf': 'c=1' }),
    );
    assert.deepEqual(Object.keys(tar).sort(), [
      '.dockerignore',
      'Dockerfile',
      'meta',
      'meta/conf',
      'meta/conf.exp',
      'meta/install',
      'meta/install.exp',
      'meta/uninstall',
      'secret/ok',
    ]);
    assert.deepEqual(tar['meta/install'], { mode: 0o755, body: '#!/bin/sh\nrendered\n' });
    assert.equal(tar['meta/uninstall']?.mode, 0o755);
    assert.deepEqual(tar['meta/conf'], { mode: 0o600, body: 'c=1' }, "a new rendered file takes its template's mode");
    assert.deepEqual(await readdir(join(dir, 'meta')), before);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a missing folder is named', async () => {
  await assert.rejects(readProject('/nonexistent/damtest', 'nowhere'), /The project folder 'nowhere' does not exist/);
});
