// Writes a self-contained product: DAM's single executable for the target platform, the bundle, and the
// trailer (self-contained.ts). The executable comes from --dam-binary, else the running DAM when it is a
// single executable for that platform, else a release folder (`dam-<version>-<platform>` from `npm run release`).
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DamError } from '../../core/errors.js';
import { formatPlatform, releasePlatform, type TargetPlatform } from '../../core/target-platform.js';
import { replaceAtomically } from '../store/atomic.js';
import { embeddedBundle, trailer } from './self-contained.js';

/** The ELF machine numbers of the targets (the `e_machine` field). */
const ELF_MACHINE: Record<TargetPlatform['arch'], number> = { amd64: 62, arm64: 183 };
/**
 * Set by postject when it injects an application: a Node binary without it is not a single executable.
 * Joined at run time: the literal would be in DAM's own code, and postject refuses a binary where it occurs twice.
 */
const SEA_FUSE = Buffer.from(['NODE', 'SEA', 'FUSE', 'fce680ab2cc467b6e072b8b5df1996b2:1'].join('_'));

export interface DamExecutable {
  path: string;
  /** The bytes of the executable itself: a running `.run` file also carries its own bundle, which is left out. */
  length: number;
}

async function elfMachine(path: string): Promise<number | undefined> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(20), 0, 20, 0);
    return bytesRead === 20 && buffer.readUInt32BE(0) === 0x7f454c46 ? buffer.readUInt16LE(18) : undefined;
  } finally {
    await handle.close();
  }
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** Whether the running process is a single executable (Node 20.12+ has node:sea). */
async function runningSea(): Promise<boolean> {
  const sea = await import('node:sea').catch(() => undefined);
  return sea?.isSea() === true;
}

/** Where DAM looks for the executable of `target`, in order. */
async function candidates(
  target: TargetPlatform,
  version: string,
  damBinary: string | undefined,
  host: TargetPlatform | undefined,
): Promise<string[]> {
  if (damBinary !== undefined) return [damBinary];
  const name = `dam-${version}-${releasePlatform(target)}`;
  const self = host && host.arch === target.arch && (await runningSea()) ? [process.execPath] : [];
  const script = process.argv[1] ? dirname(resolve(process.argv[1])) : undefined;
  const folders = [dirname(process.execPath), ...(script ? [script, join(script, '..', 'release')] : [])];
  return [...self, ...folders.map((f) => join(f, name))];
}

/**
 * The DAM executable for `target`. USAGE when --dam-binary is not one; NOT_FOUND, saying where it looked,
 * when none is found.
 */
export async function findDamExecutable(options: {
  target: TargetPlatform;
  version: string;
  damBinary?: string;
  host: TargetPlatform | undefined;
}): Promise<DamExecutable> {
  const { target } = options;
  const looked = await candidates(target, options.version, options.damBinary, options.host);
  for (const path of looked) {
    if (!(await isFile(path))) continue;
    if ((await elfMachine(path)) !== ELF_MACHINE[target.arch]) {
      if (options.damBinary === undefined) continue;
      throw new DamError(
        'USAGE',
        `--dam-binary '${path}' is not a Linux executable for ${formatPlatform(target)}.`,
        `Give the release file dam-${options.version}-${releasePlatform(target)}, or change --platform.`,
      );
    }
    const length = embeddedBundle(path)?.start ?? (await stat(path)).size;
    if (!(await hasSeaFuse(path, length))) {
      if (options.damBinary === undefined) continue;
      throw new DamError(
        'USAGE',
        `--dam-binary '${path}' is a Linux executable but not a DAM single executable.`,
        `Give the release file dam-${options.version}-${releasePlatform(target)} (npm run release).`,
      );
    }
    return { path, length };
  }
  if (options.damBinary !== undefined)
    throw new DamError(
      'NOT_FOUND',
      `--dam-binary '${options.damBinary}' does not exist.`,
      'Give the path of a DAM release executable.',
    );
  throw new DamError(
    'NOT_FOUND',
    `No DAM executable for ${formatPlatform(target)} was found (looked for ${looked.join(', ')}).`,
    `Give one with --dam-binary FILE (the release file dam-${options.version}-${releasePlatform(target)}), or build the release with npm run release.`,
  );
}

/** Whether the first `length` bytes of the file hold the set SEA fuse (searched across chunk boundaries too). */
async function hasSeaFuse(path: string, length: number): Promise<boolean> {
  let tail = Buffer.alloc(0);
  for await (const chunk of createReadStream(path, {
    start: 0,
    end: length - 1,
    highWaterMark: 1024 * 1024,
  }) as AsyncIterable<Buffer>) {
    const window = Buffer.concat([tail, chunk]);
    if (window.includes(SEA_FUSE)) return true;
    tail = window.subarray(Math.max(0, window.length - SEA_FUSE.length));
  }
  return false;
}

/** Writes `out` (mode 0755) atomically, by the store's atomic writer: the executable, the bundle file, the trailer. */
export async function writeSelfContained(exe: DamExecutable, bundle: string, out: string): Promise<number> {
  const bundleBytes = (await stat(bundle)).size;
  await replaceAtomically(out, async (temp) => {
    await pipeline(
      createReadStream(exe.path, { start: 0, end: exe.length - 1 }),
      createWriteStream(temp, { mode: 0o755, flags: 'wx' }),
    );
    await pipeline(createReadStream(bundle), createWriteStream(temp, { flags: 'a' }));
    const handle = await open(temp, 'a');
    try {
      await handle.write(trailer(exe.length, bundleBytes));
      await handle.chmod(0o755);
    } finally {
      await handle.close();
    }
  });
  return exe.length + bundleBytes + trailer(0, 1).length;
}

/** writeSelfContained, then the bundle file removed (also when writing failed): it was only a step. */
export async function writeSelfContainedFrom(exe: DamExecutable, bundle: string, out: string): Promise<number> {
  try {
    return await writeSelfContained(exe, bundle, out);
  } finally {
    await rm(bundle, { force: true });
  }
}
