// In-memory fakes of the host-side ports (folders, meta copies, scripts) for CPU-only tests of app/. Each is
// kept honest by a contract test that runs the same table against the real adapter (fakes.contract.test.ts).
import { DamError } from '../../core/errors.js';
import type { HostDirs, MetaCopier, ScriptRun, Scripts } from '../../core/ports/host.js';

/** Files by full path; a folder exists while a file is under it, or when made empty on purpose. */
export class FakeFs implements HostDirs {
  readonly files = new Map<string, string>();
  readonly emptyDirs = new Set<string>();

  write(path: string, content: string): void {
    this.files.set(path, content);
  }

  private under(path: string): string[] {
    return [...this.files.keys(), ...this.emptyDirs].filter((p) => p === path || p.startsWith(`${path}/`));
  }

  async move(from: string, to: string): Promise<void> {
    const moved = this.under(from);
    if (moved.length === 0) throw new DamError('NOT_FOUND', `${from} does not exist.`);
    for (const p of moved) {
      const target = to + p.slice(from.length);
      if (this.files.has(p)) {
        this.files.set(target, this.files.get(p) ?? '');
        this.files.delete(p);
      } else {
        this.emptyDirs.delete(p);
        this.emptyDirs.add(target);
      }
    }
  }

  async remove(path: string): Promise<void> {
    for (const p of this.under(path)) {
      this.files.delete(p);
      this.emptyDirs.delete(p);
    }
  }

  async exists(path: string): Promise<boolean> {
    return this.under(path).length > 0;
  }

  async isFile(path: string): Promise<boolean> {
    return this.files.has(path);
  }

  /** Every path, sorted: what a test compares before and after. */
  snapshot(): string[] {
    return [...this.files.keys(), ...this.emptyDirs].sort();
  }
}

/** Copies /meta from `images` (image id -> files by name) into the fake file system. */
export function fakeMeta(fs: FakeFs, images: Map<string, Record<string, string>>): MetaCopier {
  return {
    fromImage: async (imageRef, destDir) => {
      const files = images.get(imageRef);
      if (!files) throw new DamError('NOT_FOUND', `The image ${imageRef} has no /meta.`);
      if (await fs.exists(destDir)) throw new Error(`${destDir} exists`);
      for (const [name, content] of Object.entries(files)) fs.write(`${destDir}/${name}`, content);
    },
    digests: async (dir) =>
      Object.fromEntries(
        [...fs.files]
          .filter(([p]) => p.startsWith(`${dir}/`))
          .map(([p, c]) => [p.slice(dir.length + 1), `len:${c.length}`]),
      ),
  };
}

/**
 * Runs a "script" from the fake file system: its text is `exit N` (any other text counts as `exit 0`), which
 * is the whole language the contract test and the rollback tests need. Every run is recorded.
 */
export class FakeScripts implements Scripts {
  readonly runs: ScriptRun[] = [];
  private readonly fs: FakeFs;
  private readonly env: Record<string, string>;

  constructor(fs: FakeFs, settings: Record<string, string> = {}) {
    this.fs = fs;
    this.env = settings;
  }

  async run(run: ScriptRun): Promise<void> {
    const path = `${run.metaDir}/${run.script}`;
    const label = `The ${run.script} script of ${run.app.name}:${run.app.version}`;
    if (run.signal?.aborted) throw new DamError('INTERRUPTED', `${label} was interrupted.`);
    const text = this.fs.files.get(path);
    if (text === undefined)
      throw new DamError(
        'NOT_FOUND',
        `${label} (${path}) does not exist.`,
        'The app image must carry /meta/install and /meta/uninstall.',
      );
    this.runs.push(run);
    const code = Number(/^exit (\d+)/m.exec(text)?.[1] ?? 0);
    if (code !== 0)
      throw new DamError('SCRIPT_FAILED', `${label} (${path}) exited with code ${code}.`, 'See its output above.');
  }

  settings(): Record<string, string> {
    return { ...this.env };
  }
}
