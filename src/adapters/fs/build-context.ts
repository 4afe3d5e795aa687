// Streams a project as a tar build context: the files .dockerignore keeps, the rendered `.exp` templates
// added (or replacing a file of the same name), and meta/install and meta/uninstall made executable.
// Owners are root, as the Docker CLI sends them.
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { type Header, type Pack, pack } from 'tar-stream';

type Headers = Partial<Header> & Pick<Header, 'name'>;
import type { ContextEntry } from './project.js';

const EXECUTABLE = new Set(['meta/install', 'meta/uninstall']);

export function packContext(dir: string, entries: ContextEntry[], rendered: Record<string, string>): Readable {
  const tar = pack();
  const byPath = new Map(entries.map((e) => [e.path, e]));
  void (async () => {
    for (const entry of entries) {
      if (rendered[entry.path] !== undefined) continue;
      const header: Headers = {
        name: entry.path,
        type: entry.type,
        mode: modeOf(entry.path, entry.mode),
        mtime: entry.mtime,
        uid: 0,
        gid: 0,
      };
      if (entry.type === 'file') await addFile(tar, { ...header, size: entry.size }, join(dir, entry.path));
      else await addBuffer(tar, { ...header, linkname: entry.linkname ?? '' }, Buffer.alloc(0));
    }
    for (const path of Object.keys(rendered).sort()) {
      // A rendered file keeps the mode of a same-named file, else of its template.
      const like = byPath.get(path) ?? byPath.get(`${path}.exp`);
      const header: Headers = {
        name: path,
        type: 'file',
        mode: modeOf(path, like?.mode ?? 0o644),
        mtime: like?.mtime ?? new Date(0),
        uid: 0,
        gid: 0,
      };
      await addBuffer(tar, header, Buffer.from(rendered[path] ?? '', 'utf8'));
    }
    tar.finalize();
  })().catch((err: unknown) => tar.destroy(err instanceof Error ? err : new Error(String(err))));
  // tar-stream's streams are streamx streams; Readable.from gives callers a plain Node stream.
  return Readable.from(tar);
}

function modeOf(path: string, mode: number): number {
  return EXECUTABLE.has(path) ? 0o755 : mode;
}

async function addFile(tar: Pack, header: Headers, file: string): Promise<void> {
  let finish: (err?: Error | null) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    finish = (err) => (err ? reject(err) : resolve());
  });
  const entry = tar.entry(header, (err) => finish(err));
  for await (const chunk of createReadStream(file)) {
    if (!entry.write(chunk as Buffer)) await new Promise<void>((resolve) => entry.once('drain', () => resolve()));
  }
  (entry as unknown as { end(): void }).end(); // streamx's types make end's argument required; it is not
  await done;
}

function addBuffer(tar: Pack, header: Headers, body: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    tar.entry({ ...header, size: body.length }, body, (err) => (err ? reject(err) : resolve()));
  });
}
