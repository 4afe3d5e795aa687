// Writes DAM 1.x's `export --all` archive (`dam export --all --format dam1`), for hosts that still run 1.x:
// a plain, uncompressed tar holding an empty-named root folder, `/app_list` (the `name:version` lines) and
// one `/<name>-<version>.<crc32>.dam` per app, exactly as 1.x writes and reads it (dam1-export.ts reads it
// back). Each app's image is saved whole in its own `.dam`, as 1.x does: layers are not shared. The .dam
// files are written one by one into a private folder beside FILE, the archive goes to a new temporary sibling (O_EXCL), is
// fsynced and renamed; the folder and the partial file are removed whatever happens.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { formatTextList, type Product } from '../../core/product.js';
import type { Engine } from '../../core/ports/engine.js';
import { writeDam } from '../archive/write-dam.js';
import { commitTemp, discardTemp, tempSibling } from '../store/atomic.js';

import type { Dam1ExportApp, WrittenDam1Export } from '../../core/ports/bundle-write.js';

export type { Dam1ExportApp, WrittenDam1Export };

function addEntry(
  pack: tar.Pack,
  header: Partial<tar.Header> & { name: string },
  body?: Buffer | Readable,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (err?: Error | null) => (err ? reject(err) : resolve());
    if (body === undefined) return void pack.entry(header, done);
    if (Buffer.isBuffer(body)) return void pack.entry(header, body, done);
    const entry = pack.entry(header, (err) => (err ? reject(err) : undefined));
    pipeline(body, entry as unknown as NodeJS.WritableStream).then(resolve, reject);
  });
}

export async function writeDam1Export(
  engine: Engine,
  product: Product,
  apps: Dam1ExportApp[],
  options: { out: string; signal?: AbortSignal; onApp?: (tag: string) => void },
): Promise<WrittenDam1Export> {
  const work = await mkdtemp(join(dirname(options.out), `.${basename(options.out)}.dam1-`));
  const partial = tempSibling(options.out);
  try {
    const dams: WrittenDam1Export['dams'] = [];
    for (const app of apps) {
      options.onApp?.(app.tag);
      const written = await writeDam(engine, app.image, {
        name: app.name,
        version: app.version,
        tag: app.tag,
        dir: work,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      dams.push({ file: basename(written.path), tag: written.tag, crc32: written.crc32, bytes: written.bytes });
    }
    const pack = tar.pack();
    const writing = pipeline(
      pack as unknown as Readable,
      createWriteStream(partial, { mode: 0o644, flags: 'wx' }),
      options.signal ? { signal: options.signal } : {},
    );
    writing.catch(() => undefined);
    const mtime = new Date();
    await addEntry(pack, { name: '', type: 'directory', mode: 0o755, mtime });
    const list = Buffer.from(formatTextList(product));
    await addEntry(pack, { name: '/app_list', size: list.length, mode: 0o644, mtime }, list);
    for (const dam of dams)
      await addEntry(
        pack,
        { name: `/${dam.file}`, size: dam.bytes, mode: 0o644, mtime },
        createReadStream(join(work, dam.file)),
      );
    pack.finalize();
    await writing;
    const bytes = (await stat(partial)).size;
    await commitTemp(partial, options.out);
    return { path: options.out, bytes, dams };
  } catch (err) {
    await discardTemp(partial);
    throw err;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
