// The set-up an end-to-end file that builds projects shares: a state directory, a work folder, the local
// base image, and a run label whose images are removed afterwards. Registers its own before/after hooks.
import { before, after } from 'node:test';
import { randomBytes } from 'node:crypto';
import { tempHome, TEST_LABEL } from './dam.js';
import { baseImage, engineAvailable } from './engine.js';
import { removeLabelled, tempDir } from './projects.js';

export interface ProjectSuite {
  home: string;
  work: string;
  base: string;
  /** `--label dam.test=<run>`, for `dam create`. */
  label: string[];
  /** Why engine tests skip, or false. */
  skip: string | false;
}

export async function projectSuite(prefix: string): Promise<ProjectSuite> {
  const run = `${prefix}-${randomBytes(3).toString('hex')}`;
  const suite: ProjectSuite = {
    home: '',
    work: '',
    base: '',
    label: ['--label', `${TEST_LABEL}=${run}`],
    skip: !(await engineAvailable()) && 'no Docker engine answers',
  };
  const cleanups: Array<() => Promise<void>> = [];
  before(async () => {
    const h = await tempHome();
    const w = await tempDir(prefix);
    suite.home = h.home;
    suite.work = w.dir;
    cleanups.push(h.cleanup, w.cleanup);
    if (!suite.skip) suite.base = await baseImage();
  });
  after(async () => {
    if (!suite.skip) await removeLabelled(run);
    for (const c of cleanups.reverse()) await c();
  });
  return suite;
}
