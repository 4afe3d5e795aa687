// How far this process has got through a file it streams, so a progress meter can follow a read done deep
// inside an adapter without threading a callback through every reader. Readers that stream a whole file
// register their streams here (`trackReads`), which count the bytes they read: that works on every system.
// Other reads are followed through the offset of this process's descriptors on the file, from Linux's
// /proc/self/fdinfo. Undefined while the file is not being read.
import { readFileSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';

/** A stream that counts what it has read (fs.ReadStream, FileHandle.createReadStream) from `start`. */
interface Counted {
  bytesRead: number;
  start: number;
}

const tracked = new Map<string, Set<Counted>>();

function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** Registers `stream`, reading `path` from `start`, until it closes; returns it. */
export function trackReads<T extends { bytesRead: number; once(event: 'close', listener: () => void): unknown }>(
  path: string,
  stream: T,
  start = 0,
): T {
  const key = realPath(path);
  if (key === undefined) return stream;
  const entry: Counted = {
    get bytesRead() {
      return stream.bytesRead;
    },
    start,
  };
  const set = tracked.get(key) ?? new Set<Counted>();
  tracked.set(key, set.add(entry));
  stream.once('close', () => {
    set.delete(entry);
    if (set.size === 0 && tracked.get(key) === set) tracked.delete(key);
  });
  return stream;
}

/** A sampler of the furthest offset any stream or descriptor of this process has read `path` to. */
export function filePosition(path: string): () => number | undefined {
  const target = realPath(path);
  if (target === undefined) return () => undefined;
  return () => {
    const streams = tracked.get(target);
    if (streams && streams.size > 0) return Math.max(...[...streams].map((s) => s.start + s.bytesRead));
    return descriptorPosition(target);
  };
}

function descriptorPosition(target: string): number | undefined {
  let furthest: number | undefined;
  let fds: string[];
  try {
    fds = readdirSync('/proc/self/fd');
  } catch {
    return undefined;
  }
  for (const fd of fds) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) !== target) continue;
      const pos = /^pos:\s+(\d+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
      if (pos?.[1]) furthest = Math.max(furthest ?? 0, Number(pos[1]));
    } catch {
      // The descriptor closed while we looked: not ours any more.
    }
  }
  return furthest;
}
