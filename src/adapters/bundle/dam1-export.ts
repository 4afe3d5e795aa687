// DAM 1.x export archives (`dam export --all` of 1.x): a plain tar of `/app_list` and one CRC-named `.dam`
// per app, with absolute member names and an empty-named root folder. Each `.dam` is checked as it streams
// past with the .dam scanner (adapters/archive/scan-image.ts), its CRC-32 included, and the whole file is
// hashed in the same pass. Loading reads the file once more and checks it all again in that one pass while
// it streams the layers into ONE load, through a docker-save stream DAM writes (save-stream.ts); the
// engine gets the end of it only once every `.dam`, the file's hash and the images match what was opened.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { DamError } from '../../core/errors.js';
import { trackReads } from '../fs/read-position.js';
import { parseTextList, type Product } from '../../core/product.js';
import { parseDamName } from '../../core/archive/dam-name.js';
import { appNameOf, parseRef } from '../../core/ref.js';
import { unpackBudget, unpackRefused, type UnpackBudget } from '../../core/archive/unpack-budget.js';
import { unpackLimit } from '../archive/engine-space.js';
import { normalizeEntryName } from '../../core/archive/tar-path.js';
import type { BundleContents, BundleImage } from '../../core/ports/bundle.js';
import type { Engine } from '../../core/ports/engine.js';
import { scanImage, type ImageScan } from '../archive/scan-image.js';
import { HeldBackStream } from '../archive/held-back.js';
import { SaveStream, type SavedImageEntry } from '../archive/save-stream.js';
import { bundleInvalid, walkTar } from './tar-walk.js';

const APP_LIST = 'app_list';
const APP_LIST_MAX = 4 * 1024 * 1024;

export interface Dam1Scan {
  product: Product;
  images: BundleImage[];
  layerBytes: number;
  /** The whole file as read: what a signature over it pins. */
  file: { sha256: string; size: number };
}

interface DamMember {
  name: string;
  scan: ImageScan;
}

/**
 * One pass over the archive with 1.x's layout rules: every `.dam` member is scanned (forwarded into `save`
 * when given) and its CRC-32 checked against its name; the file is hashed as it is read.
 */
async function walkExport(
  path: string,
  signal: AbortSignal | undefined,
  save?: SaveStream,
  freeBytes?: number,
): Promise<{ product: Product; dams: DamMember[]; file: Dam1Scan['file'] }> {
  // Every .dam has its own bound; together they may not unpack to more than the export's (unpack-budget.ts).
  const unpack = unpackBudget(unpackLimit((await stat(path)).size, true, freeBytes), (where, bound) =>
    unpackRefused('bundle', path, `its .dam members unpack to more than ${bound} bytes in all (passed at ${where})`),
  );
  let list: string | undefined;
  const seen = new Set<string>();
  const dams: DamMember[] = [];
  const hash = createHash('sha256');
  let size = 0;
  const read = trackReads(path, createReadStream(path, { highWaterMark: 1 << 20 }));
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  read.on('error', (err) => tap.destroy(err));
  try {
    await walkTar(read.pipe(tap), { path, signal }, async (header, body) => {
      const n = normalizeEntryName(header.name);
      if (n.kind === 'invalid') throw bundleInvalid(path, `member '${header.name}' escapes the archive (${n.reason})`);
      if (n.kind === 'root') {
        if (header.type !== 'directory')
          throw bundleInvalid(path, `member '${header.name}' names the root but is not a folder`);
        return void body.resume();
      }
      if (seen.has(n.path)) throw bundleInvalid(path, `member '${n.path}' appears twice`);
      seen.add(n.path);
      if (header.type !== 'file')
        throw bundleInvalid(
          path,
          `member '${n.path}' is a ${header.type ?? 'special entry'}; a DAM 1.x export holds only files`,
        );
      if (n.path === APP_LIST) {
        if ((header.size ?? 0) > APP_LIST_MAX)
          throw bundleInvalid(path, `its app_list is larger than ${APP_LIST_MAX} bytes`);
        const chunks: Buffer[] = [];
        for await (const c of body as AsyncIterable<Buffer>) chunks.push(c);
        list = Buffer.concat(chunks).toString('utf8');
        return;
      }
      if (n.path.includes('/') || !n.path.endsWith('.dam'))
        throw bundleInvalid(path, `member '${n.path}' is neither app_list nor a .dam file`);
      const scan = await scanDam(path, n.path, header.size ?? 0, body, { signal, save, unpack });
      unpack.add(`member '${n.path}'`, scan.tarBytes);
      dams.push({ name: n.path, scan });
    });
  } finally {
    read.destroy();
  }
  if (list === undefined) throw bundleInvalid(path, 'this DAM 1.x export has no app_list');
  const product = parseTextList(list, `${path} (app_list)`);
  for (const { name, scan } of dams) checkListed(path, name, scan.plan.repoTags, product);
  return { product, dams, file: { sha256: hash.digest('hex'), size } };
}

/** A `.dam` may only tag an app its export lists: a load sets its tags, and another app's would move. */
function checkListed(path: string, name: string, tags: string[], product: Product): void {
  for (const tag of tags) {
    const ref = parseRef(tag);
    if (!product.apps.some((a) => a.name === appNameOf(ref) && a.version === ref.tag)) {
      throw bundleInvalid(path, `its member '${name}' tags its image '${tag}', an app its app_list does not list`);
    }
  }
}

async function scanDam(
  path: string,
  name: string,
  size: number,
  body: Readable,
  options: { signal: AbortSignal | undefined; save: SaveStream | undefined; unpack: UnpackBudget },
): Promise<ImageScan> {
  const named = parseDamName(name);
  const { signal, save, unpack } = options;
  const scan = await scanImage(body, {
    source: `${path}: member ${name}`,
    compressed: true,
    maxTarBytes: Math.min(unpackLimit(size, true), unpack.bound - unpack.used),
    meta: false,
    crc: named !== undefined,
    signal,
    unpack,
    ...(save ? { forward: save } : {}),
  });
  if (named && scan.raw.crc32 !== named.crc32) {
    throw bundleInvalid(
      path,
      `its member '${name}' is damaged: its CRC-32 is ${scan.raw.crc32}, not the ${named.crc32} in its name`,
    );
  }
  return scan;
}

const imageOf = (scan: ImageScan): BundleImage => ({
  tags: scan.plan.repoTags,
  imageId: scan.plan.imageId,
  labels: scan.plan.labels,
  layers: scan.plan.layers.map((l) => l.diffId),
});

/** Reads and checks the whole export in one pass: app_list, every `.dam` (CRC, digests, tags), the file's hash. */
export async function scanDam1Export(path: string, signal?: AbortSignal): Promise<Dam1Scan> {
  const { product, dams, file } = await walkExport(path, signal);
  const layerBytes = dams.reduce((sum, d) => sum + d.scan.layerSizes.reduce((a, b) => a + b, 0), 0);
  return { product, images: dams.map((d) => imageOf(d.scan)), layerBytes, file };
}

/**
 * Loads the export's images with ONE `docker load` of a stream DAM writes from the members it checks in
 * this pass. The engine gets the manifest and the end only when the file hashes as when it was opened (what
 * a signature was checked against) and holds exactly the images and tags that were opened and shown.
 */
export async function loadDam1Export(
  contents: BundleContents,
  engine: Engine,
  signal?: AbortSignal,
  freeBytes?: number,
): Promise<string[]> {
  const held = new HeldBackStream(1 << 20);
  const save = new SaveStream((chunk) => held.write(chunk));
  const loading = engine.load(held.readable, signal ? { signal } : {});
  loading.catch((err: unknown) => held.abandon(err instanceof Error ? err : new Error(String(err))));
  try {
    const { dams, file } = await walkExport(contents.path, signal, save, freeBytes);
    if (contents.file && (file.sha256 !== contents.file.sha256 || file.size !== contents.file.size)) {
      throw new DamError(
        'CONFLICT',
        `The file '${contents.path}' changed after it was opened and checked.`,
        'Do not change the file while DAM reads it; run the import again.',
      );
    }
    const opened = JSON.stringify(contents.images.map((i) => [i.imageId, i.tags]));
    if (JSON.stringify(dams.map((d) => [d.scan.plan.imageId, d.scan.plan.repoTags])) !== opened) {
      throw new DamError(
        'CONFLICT',
        `The images in '${contents.path}' changed after it was opened.`,
        'Do not change the file while DAM reads it; run the import again.',
      );
    }
    const entries: SavedImageEntry[] = dams.map(({ scan }) => ({
      config: scan.load!.config,
      imageId: scan.plan.imageId,
      tags: scan.plan.repoTags,
      layers: scan.load!.layers,
    }));
    await save.finish(entries);
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    save.abort(error);
    held.abandon(error);
    await loading.catch(() => undefined);
    throw err;
  }
  held.release();
  return loading;
}
