// App projects for `dam create` tests: written into temporary folders, built with unique names and the
// test label, and removed afterwards with every image they made.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { TEST_LABEL, ROOT } from './dam.js';
import { testEngine } from './engine.js';

const run = promisify(execFile);

export type ProjectFiles = Record<string, string | { text: string; mode: number }>;

export async function writeProject(parent: string, name: string, files: ProjectFiles): Promise<string> {
  const dir = join(parent, name);
  for (const [path, body] of Object.entries(files)) {
    const file = join(dir, path);
    await mkdir(dirname(file), { recursive: true });
    if (typeof body === 'string') await writeFile(file, body);
    else await writeFile(file, body.text, { mode: body.mode });
  }
  return dir;
}

/** A copy of examples/<name> to build from, so that the test can check the example folder stays untouched. */
export async function copyExample(parent: string, name: string, as: string): Promise<string> {
  const dir = join(parent, as);
  await cp(join(ROOT, 'examples', name), dir, { recursive: true });
  return dir;
}

/** Every file under `dir` with its content, to compare a project before and after `dam create`. */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string) => {
    for (const name of (await readdir(join(dir, rel))).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      const st = await stat(join(dir, path));
      if (st.isDirectory()) await walk(path);
      else out[path] = `${(st.mode & 0o777).toString(8)} ${await readFile(join(dir, path), 'utf8')}`;
    }
  };
  await walk('');
  return out;
}

export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `damtest-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** `docker run --rm IMAGE args...` with the test label; stdout. */
export async function runInImage(image: string, args: string[], entrypoint?: string): Promise<string> {
  const ep = entrypoint === undefined ? [] : ['--entrypoint', entrypoint];
  const { stdout } = await run('docker', ['run', '--rm', '--label', `${TEST_LABEL}=create`, ...ep, image, ...args]);
  return stdout;
}

export async function docker(args: string[], env?: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  return run('docker', args, { env: { ...process.env, ...env } });
}

/** Removes the images that carry `dam.test=<value>`, with all their tags. */
export async function removeLabelled(value: string): Promise<void> {
  const engine = testEngine();
  for (const image of await engine.listImages({ labels: [`${TEST_LABEL}=${value}`] })) {
    await engine.removeImage(image.id, { force: true }).catch(() => undefined);
  }
}
