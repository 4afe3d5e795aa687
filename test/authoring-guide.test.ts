// Runs every code block of docs/authoring.md, in order, in one folder, so that no example can rot:
// ```sh blocks are executed with `sh -e` (` exit=N` expects that exit code), ```LANG file=PATH blocks are
// written to PATH first, ```text layout=DIR is compared with that folder, ```json schema=NAME is checked
// against docs/schemas/NAME.schema.json. A block of any other kind fails the test. Two substitutions, in
// code only: the image busybox:1.36 becomes the local base image (nothing can be pulled here), and the app
// name `hello` a unique one (the engine is shared). `dam create` is given the test label, for clean-up.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { access, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DAM_BIN, ROOT, TEST_LABEL, uniqueName } from './harness/dam.js';
import { baseImage, engineAvailable } from './harness/engine.js';
import { schemaValidators } from './harness/json-schemas.js';
import { docker, removeLabelled, tempDir } from './harness/projects.js';

const RUN = `guide-${randomBytes(3).toString('hex')}`;
const skip = !(await engineAvailable()) && 'no Docker engine answers';
const cleanups: Array<() => Promise<void>> = [];
const app = uniqueName('guide');

after(async () => {
  if (!skip) {
    await removeLabelled(RUN);
    await docker(['rm', '-f', `${app}-meta`]).catch(() => undefined);
  }
  for (const c of cleanups.reverse()) await c();
});

interface Block {
  info: string;
  code: string;
  line: number;
}

function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const re = /^```(.*)\n([\s\S]*?)^```$/gm;
  for (const m of markdown.matchAll(re))
    blocks.push({ info: (m[1] ?? '').trim(), code: m[2] ?? '', line: markdown.slice(0, m.index).split('\n').length });
  return blocks;
}

async function damWrapper(dir: string): Promise<void> {
  const wrapper = join(dir, 'dam');
  await writeFile(
    wrapper,
    `#!/bin/sh\nif [ "$1" = create ]; then exec "${process.execPath}" "${DAM_BIN}" "$@" --label ${TEST_LABEL}=${RUN}; fi\nexec "${process.execPath}" "${DAM_BIN}" "$@"\n`,
  );
  await chmod(wrapper, 0o755);
}

async function checkLayout(code: string, dir: string, where: string): Promise<void> {
  for (const line of code.split('\n').slice(1)) {
    const [path, ...rest] = line.trim().split(/\s+/);
    if (!path || path === '...' || path.endsWith('/') || rest.join(' ').includes('optional')) continue;
    const nested = line.startsWith('    ') ? `meta/${path}` : path;
    await access(join(dir, nested)).catch(() =>
      assert.fail(`${where}: the layout lists ${nested}, which dam init did not write`),
    );
  }
}

test('every example of docs/authoring.md works as printed', { skip, timeout: 900_000 }, async () => {
  const base = await baseImage();
  const work = await tempDir('guide');
  cleanups.push(work.cleanup);
  const tools = join(work.dir, 'tools');
  await mkdir(tools);
  await damWrapper(tools);
  const env = {
    ...process.env,
    HOME: join(work.dir, 'home'),
    DAM_HOME: join(work.dir, 'state'),
    PATH: `${tools}:${process.env.PATH ?? ''}`,
    NO_COLOR: '1',
  };
  await mkdir(env.HOME, { recursive: true });
  const guide = await readFile(join(ROOT, 'docs', 'authoring.md'), 'utf8');
  const blocks = codeBlocks(guide);
  assert.ok(blocks.length >= 10, 'the guide has examples');
  for (const block of blocks) {
    const where = `docs/authoring.md:${block.line}`;
    const code = block.code.replaceAll('busybox:1.36', base).replace(/\bhello\b/g, app);
    const [lang, option = ''] = block.info.split(/\s+/);
    const [key, value = ''] = option.split('=');
    if (key === 'file') {
      const path = join(work.dir, value.replace(/\bhello\b/g, app));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, code, { mode: code.startsWith('#!') ? 0o755 : 0o644 });
    } else if (lang === 'sh') {
      const out = spawnSync('sh', ['-e', '-c', code], { cwd: work.dir, env, encoding: 'utf8', timeout: 300_000 });
      const wanted = key === 'exit' ? Number(value) : 0;
      assert.equal(
        out.status,
        wanted,
        `${where} exited with ${out.status}, not ${wanted}:\n${code}\n${out.stdout}\n${out.stderr}`,
      );
    } else if (lang === 'json' && key === 'schema') {
      const validate = schemaValidators().get(value);
      assert.ok(validate?.(JSON.parse(code)), `${where} does not match docs/schemas/${value}.schema.json`);
    } else if (lang === 'text' && key === 'layout') {
      await checkLayout(code, join(work.dir, value.replace(/\bhello\b/g, app)), where);
    } else {
      assert.fail(
        `${where}: a code block that no test runs (\`\`\`${block.info}); give it sh, file=, layout= or schema=`,
      );
    }
  }
});
