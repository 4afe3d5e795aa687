// DAM 1.x export archives (`dam export --all` of 1.x): a plain tar of `/app_list` and one CRC-named `.dam`
// per app, with absolute member names and an empty-named root folder. Each `.dam` is checked with the .dam
// reader (adapters/archive/read-archive.ts), which needs a file: it is copied, one at a time, to a private
// temporary folder and removed at once. Loading streams each `.dam` from the archive into the engine.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isDamError } from '../../core/errors.js';
import { parseTextList, type Product } from '../../core/product.js';
import { normalizeEntryName } from '../../core/archive/tar-path.js';
import type { BundleImage } from '../../core/ports/bundle.js';
import type { Engine } from '../../core/ports/engine.js';
import { inspectArchive } from '../archive/read-archive.js';
import { bundleInvalid, walkTar } from './tar-walk.js';

const APP_LIST = 'app_list';
const APP_LIST_MAX = 4 * 1024 * 1024;

export interface Dam1Scan {
  product: Product;
  images: BundleImage[];
  layerBytes: number;
}

type DamHandler = (name: string, body: Readable) => Promise<void>;

/** One pass over the archive's members with 1.x's layout rules; `.dam` members go to `onDam`. */
async function walkExport(path: string, signal: AbortSignal | undefined, onDam: DamHandler): Promise<Product> {
  let list: string | undefined;
  const seen = new Set<string>();
  await walkTar(createReadStream(path), { path, signal }, async (header, body) => {
    const n = normalizeEntryName(header.name);
    if (n.kind === 'invalid') throw bundleInvalid(path, `member '${header.name}' escapes the archive (${n.reason})`);
    if (n.kind === 'root') {
      if (header.type !== 'directory') throw bundleInvalid(path, `member '${header.name}' names the root but is not a folder`);
      return void body.resume();
    }
    if (seen.has(n.path)) throw bundleInvalid(path, `member '${n.path}' appears twice`);
    seen.add(n.path);
    if (header.type !== 'file') throw bundleInvalid(path, `member '${n.path}' is a ${header.type ?? 'special entry'}; a DAM 1.x export holds only files`);
    if (n.path === APP_LIST) {
      if ((header.size ?? 0) > APP_LIST_MAX) throw bundleInvalid(path, `its app_list is larger than ${APP_LIST_MAX} bytes`);
      const chunks: Buffer[] = [];
      for await (const c of body as AsyncIterable<Buffer>) chunks.push(c);
      list = Buffer.concat(chunks).toString('utf8');
      return;
    }
    if (n.path.includes('/') || !n.path.endsWith('.dam')) throw bundleInvalid(path, `member '${n.path}' is neither app_list nor a .dam file`);
    await onDam(n.path, body);
  });
  if (list === undefined) throw bundleInvalid(path, 'this DAM 1.x export has no app_list');
  return parseTextList(list, `${path} (app_list)`);
}

/** Reads and checks the whole export: app_list, and every `.dam` (CRC, digests) through the .dam reader. */
export async function scanDam1Export(path: string, signal?: AbortSignal): Promise<Dam1Scan> {
  const dir = await mkdtemp(join(tmpdir(), 'dam-export1-'));
  const images: BundleImage[] = [];
  let layerBytes = 0;
  try {
    const product = await walkExport(path, signal, async (name, body) => {
      const copy = join(dir, name);
      await pipeline(body, createWriteStream(copy, { flags: 'wx', mode: 0o600 }));
      try {
        const info = await inspectArchive(copy, signal ? { signal } : {});
        images.push({ tags: info.tags, imageId: info.imageId, labels: info.labels, layers: info.layers.map((l) => l.diffId) });
        layerBytes += info.layers.reduce((sum, l) => sum + l.size, 0);
      } catch (err) {
        if (isDamError(err, 'ARCHIVE_INVALID')) throw bundleInvalid(path, `its member '${name}' is invalid: ${err.message}`);
        throw err;
      } finally {
        await rm(copy, { force: true });
      }
    });
    return { product, images, layerBytes };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Loads every `.dam` of the export into the engine, one `docker load` each, streamed from the archive. */
export async function loadDam1Export(path: string, engine: Engine, signal?: AbortSignal): Promise<string[]> {
  const loaded: string[] = [];
  await walkExport(path, signal, async (_name, body) => {
    const pass = new PassThrough();
    const sending = pipeline(body, pass);
    const [, result] = await Promise.all([sending, engine.load(pass, signal ? { signal } : {})]);
    loaded.push(...result);
  });
  return loaded;
}
