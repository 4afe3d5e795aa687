// How far this process has got through a file it streams: the offset of its open descriptors on that file,
// from Linux's /proc/self/fdinfo. Lets a progress meter follow a read done deep inside an adapter without
// threading a callback through every reader. Undefined where /proc is absent or the file is not open.
import { readFileSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';

/** A sampler of the furthest offset among this process's descriptors open on `path`. */
export function filePosition(path: string): () => number | undefined {
  let target: string;
  try {
    target = realpathSync(path);
  } catch {
    return () => undefined;
  }
  return () => {
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
  };
}
