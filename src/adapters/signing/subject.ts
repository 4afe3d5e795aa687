// What a signature pins, measured from the file: a bundle's index digest (read from its first member), or
// the sha256 and size of any other archive (read once, whole), with the image tag of a `.dam` when signing.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { DamError, errnoCode } from '../../core/errors.js';
import { trackReads } from '../fs/read-position.js';
import type { Subject } from '../../core/signing/payload.js';
import { readIndex } from '../bundle/bundle-reader.js';
import { readIndex2 } from '../bundle/oci-read.js';
import { decompressedStream, sniff } from '../bundle/compression.js';
import { firstMember, isTarHeader } from '../bundle/tar-walk.js';
import { inspectArchive } from '../archive/read-archive.js';

import type { MeasuredFile } from '../../core/ports/signing.js';

export type { MeasuredFile };

export async function fileSha256(path: string, signal?: AbortSignal): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of trackReads(
    path,
    createReadStream(path, { highWaterMark: 1024 * 1024, ...(signal ? { signal } : {}) }),
  ) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

export async function checkRegularFile(path: string): Promise<void> {
  try {
    if (!(await stat(path)).isFile())
      throw new DamError('USAGE', `'${path}' is not a regular file.`, 'Give the path of a bundle or an archive file.');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT')
      throw new DamError('NOT_FOUND', `The file '${path}' does not exist.`, 'Check the path.');
    throw err;
  }
}

/**
 * Measures a bundle, a DAM 1.x export or an image archive. With `withTag`, an image archive is verified
 * whole (ARCHIVE_INVALID when damaged) and its tag read, as signing needs.
 */
export async function measureFile(
  path: string,
  options: { withTag?: boolean; signal?: AbortSignal } = {},
): Promise<MeasuredFile> {
  await checkRegularFile(path);
  const { compression, head } = await sniff(path);
  if (compression !== 'none' || isTarHeader(head)) {
    // Format 2 (a plain tar whose first member is its index) first, then format 1.
    const opened =
      (compression === 'none' ? await readIndex2(path) : undefined) ?? (await readIndex(path, compression));
    if (opened) {
      const out: MeasuredFile = { kind: 'bundle', subject: { kind: 'bundle', indexSha256: opened.indexSha256 } };
      if (opened.index.product.name !== undefined) out.productName = opened.index.product.name;
      return out;
    }
  }
  const first =
    compression === 'none' && isTarHeader(head)
      ? await firstMember(decompressedStream(path, 'none'), path, 0)
      : undefined;
  const dam1 = first !== undefined && (first.name === 'app_list' || first.name.endsWith('.dam'));
  const { sha256, size } = await fileSha256(path, options.signal);
  const subject: Subject = { kind: 'file', sha256, size };
  if (options.withTag && !dam1) {
    const info = await inspectArchive(path, options.signal ? { signal: options.signal } : {});
    if (info.tags[0]) subject.tag = info.tags[0];
  }
  return { kind: dam1 ? 'dam1-export' : 'archive', subject };
}
