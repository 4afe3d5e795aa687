// What kind of file `dam export` would be replacing: something export itself writes (an app list, a JSON
// product, a bundle or a DAM 1.x export), or anything else, which export refuses to overwrite without --force.
import { open } from 'node:fs/promises';
import { isDamError } from '../../core/errors.js';
import { parseProductJson, parseTextList } from '../../core/product.js';
import { readIndex } from './bundle-reader.js';
import { readIndex2 } from './oci-read.js';
import { decompressedStream, sniff } from './compression.js';
import { firstMember, isTarHeader } from './tar-walk.js';

export type ExportKind = 'list' | 'product' | 'bundle' | 'dam1-export';

const TEXT_MAX = 1024 * 1024;

/** The kind of export this file is, or undefined for anything else. Never throws for a damaged file. */
export async function recognizeExport(path: string): Promise<ExportKind | undefined> {
  const { compression, head } = await sniff(path);
  if (compression !== 'none' || isTarHeader(head)) {
    try {
      if (compression === 'none' && (await readIndex2(path))) return 'bundle';
      if (await readIndex(path, compression)) return 'bundle';
      const first = await firstMember(decompressedStream(path, compression), path, 0);
      return compression === 'none' && first && (first.name === 'app_list' || first.name.endsWith('.dam'))
        ? 'dam1-export'
        : undefined;
    } catch (err) {
      if (!isDamError(err)) throw err;
      // A damaged bundle is still one of ours (an interrupted copy, say): replacing it is what the user wants.
      return compression === 'none' ? undefined : 'bundle';
    }
  }
  const handle = await open(path, 'r');
  let text: string;
  try {
    const { size } = await handle.stat();
    if (size > TEXT_MAX) return undefined;
    text = (await handle.readFile()).toString('utf8');
  } finally {
    await handle.close();
  }
  for (const [kind, parse] of [
    ['product', parseProductJson],
    ['list', parseTextList],
  ] as const) {
    try {
      parse(text, path);
      return kind;
    } catch (err) {
      if (!isDamError(err)) throw err;
    }
  }
  return undefined;
}
