// Reads one regular member of a docker-save tar as it streams past: its sha256, the sha256 of its gunzipped
// content when it is gzip-compressed, its bytes when it may be a small JSON document, and, for layers, the
// entries of one folder (`meta`) so that it can be read without the engine. Nothing large is buffered.
import { createHash } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { PassThrough, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import * as tar from 'tar-stream';
import { DamError } from '../../core/errors.js';
import type { ObservedMember } from '../../core/archive/docker-save.js';
import { classify, concernsRoot, type LayerEntry, type LayerItem } from '../../core/archive/layer-merge.js';
import { normalizeEntryName, safeEntryType } from '../../core/archive/tar-path.js';

export interface MemberRecord extends ObservedMember {
  /** The member's bytes, kept only for small members that look like JSON. */
  json?: Buffer;
  /** What the layer holds under the meta root, when it was asked for and the member is a tar. */
  meta?: LayerItem[];
  /** Why the member could not be read as a (gzipped) tar, when that was tried. */
  contentError?: Error;
  /** The name the member was forwarded under into DAM's load stream (see save-stream.ts). */
  forwardedAs?: string;
}

/** Shared limits for one archive, so a hostile archive cannot make DAM buffer much. */
export interface ScanBudget {
  jsonBytes: number;
  metaBytes: number;
}

export const JSON_MEMBER_MAX = 8 * 1024 * 1024;

export interface ScanOptions {
  /** Keep the bytes if the member is small and starts like JSON. */
  maybeJson: boolean;
  /** Read the member as a layer tar and collect the entries concerning this folder. */
  metaRoot?: string;
  budget: ScanBudget;
  source: string;
  /**
   * Called at the first chunk, told whether the member looks like JSON; a returned writer receives every
   * chunk as it is read (the read waits for it).
   */
  forward?: (looksJson: boolean) => ((chunk: Buffer) => Promise<void>) | undefined;
  /**
   * Told the bytes of the member as they are read, and those a gzip'd member inflates to; each may throw to
   * stop a decompression bomb (see unpack-budget.ts), which fails the scan.
   */
  count?: { read?: (bytes: number) => void; inflated?: (bytes: number) => void };
}

async function write(stream: Writable, chunk: Buffer): Promise<void> {
  if (stream.write(chunk)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

export async function scanMember(body: Readable, name: string, options: ScanOptions): Promise<MemberRecord> {
  const hash = createHash('sha256');
  let size = 0;
  let json: Buffer[] | undefined;
  let inner:
    { input: Writable; done: Promise<void>; error?: Error; digest?: () => string; meta?: LayerItem[] } | undefined;
  let forward: ((chunk: Buffer) => Promise<void>) | undefined;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (size === 0) {
      const gzip = chunk[0] === 0x1f && chunk[1] === 0x8b;
      const first = chunk[0];
      if (options.maybeJson && (first === 0x7b || first === 0x5b)) json = [];
      if (gzip || (options.metaRoot !== undefined && !json)) inner = startInner(gzip, name, options);
      forward = options.forward?.(json !== undefined);
    }
    options.count?.read?.(chunk.length);
    if (forward) await forward(chunk);
    hash.update(chunk);
    size += chunk.length;
    if (json) {
      if (size > JSON_MEMBER_MAX || (options.budget.jsonBytes -= chunk.length) < 0) {
        if (options.budget.jsonBytes < 0)
          throw new DamError(
            'ARCHIVE_INVALID',
            `The archive '${options.source}' holds too much JSON metadata (at '${name}').`,
            'This is not an image archive DAM can read.',
          );
        json = undefined;
      } else json.push(chunk);
    }
    if (inner && !inner.error) await write(inner.input, chunk);
  }
  const record: MemberRecord = { size, digest: `sha256:${hash.digest('hex')}` };
  if (json) record.json = Buffer.concat(json);
  if (inner) {
    inner.input.end();
    await inner.done;
    if (inner.error) record.contentError = inner.error;
    else {
      if (inner.digest) record.uncompressedDigest = inner.digest();
      if (inner.meta) record.meta = inner.meta;
    }
  }
  return record;
}

function startInner(gzip: boolean, name: string, options: ScanOptions) {
  // 256 KiB chunks: with the 16 KiB default, the stream stages after it cost twice.
  const input = gzip ? createGunzip({ chunkSize: 1 << 18 }) : new PassThrough();
  const innerHash = gzip ? createHash('sha256') : undefined;
  const stages: NodeJS.ReadWriteStream[] = [];
  if (innerHash) {
    const count = options.count?.inflated;
    stages.push(
      new Transform({
        transform(c: Buffer, _enc, cb) {
          try {
            count?.(c.length);
          } catch (err) {
            return cb(err as Error);
          }
          innerHash.update(c);
          cb(null, c);
        },
      }),
    );
  }
  const state: { input: Writable; done: Promise<void>; error?: Error; digest?: () => string; meta?: LayerItem[] } = {
    input,
    done: Promise.resolve(),
  };
  if (innerHash) state.digest = () => `sha256:${innerHash.digest('hex')}`;
  const sink =
    options.metaRoot !== undefined
      ? metaCollector(options.metaRoot, name, options, (items) => (state.meta = items))
      : drain();
  state.done = pipeline([input, ...stages, sink]).catch((err: unknown) => {
    state.error = err instanceof Error ? err : new Error(String(err));
  });
  return state;
}

function drain(): Writable {
  const sink = new PassThrough();
  sink.resume();
  return sink;
}

/** A tar parser that keeps the entries concerning `root`, with whiteouts turned into markers. */
function metaCollector(
  root: string,
  member: string,
  options: ScanOptions,
  onDone: (items: LayerItem[]) => void,
): Writable {
  const items: LayerItem[] = [];
  const files = new Map<string, LayerEntry>();
  const extract = tar.extract();
  const bad = (entry: string, why: string) =>
    new DamError(
      'ARCHIVE_INVALID',
      `Refused entry '${entry}' of layer '${member}' in '${options.source}': ${why}.`,
      'The image is unsafe or damaged; rebuild it without such entries.',
    );
  extract.on('entry', (header, body, next) => {
    // A failure upstream (a corrupt or refused inflate) destroys the entry's body with it; the pipeline
    // reports it once, and a body skipped here must not raise it again as an uncaught error.
    body.on('error', () => undefined);
    const run = async (): Promise<void> => {
      const n = normalizeEntryName(header.name);
      if (n.kind !== 'path' || !concernsRoot(n.path, root)) return void body.resume();
      const type = safeEntryType(header.type);
      if (type === undefined)
        throw bad(header.name, `it is a ${header.type} (only files, folders and symbolic links are allowed)`);
      const mode = header.mode ?? 0o644;
      let entry: LayerEntry;
      if (type === 'file') {
        const chunks: Buffer[] = [];
        for await (const c of body as AsyncIterable<Buffer>) {
          options.budget.metaBytes -= c.length;
          if (options.budget.metaBytes < 0)
            throw bad(header.name, 'the /meta folder is too large to read from the archive');
          chunks.push(c);
        }
        entry = { path: n.path, type: 'file', mode, data: Buffer.concat(chunks) };
        files.set(n.path, entry);
      } else {
        body.resume();
        if (type === 'link') {
          const to = normalizeEntryName(header.linkname ?? '');
          const target = to.kind === 'path' ? files.get(to.path) : undefined;
          if (!target)
            throw bad(
              header.name,
              `it is a hard link to '${header.linkname ?? ''}', which is not a file of the same folder`,
            );
          entry = { ...target, path: n.path, mode };
        } else if (type === 'symlink') entry = { path: n.path, type, mode, linkname: header.linkname ?? '' };
        else entry = { path: n.path, type, mode };
      }
      items.push(classify(entry));
    };
    run().then(
      () => next(),
      (err: unknown) => {
        // next(err) destroys the entry's body with the error too: nobody else listens to it.
        body.on('error', () => undefined);
        body.resume();
        next(err as Error);
      },
    );
  });
  extract.on('finish', () => onDone(items));
  return extract as unknown as Writable;
}

/** The record a member name leads to, following (at most 16) links between members; undefined when none. */
export function followLinks(
  members: Map<string, MemberRecord>,
  links: Map<string, string>,
  name: string,
): MemberRecord | undefined {
  let current = name;
  for (let hops = 0; hops < 16; hops++) {
    const record = members.get(current);
    if (record) return record;
    const next = links.get(current);
    if (next === undefined) return undefined;
    current = next;
  }
  return undefined;
}
