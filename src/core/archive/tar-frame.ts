// The framing of a tar stream, checked block by block as it passes, the way the engine's tar reader (Go's
// archive/tar) frames it. DAM's own parser (tar-stream) and Go's disagree on a few constructs: tar-stream
// reads on past the end-of-archive marker, applies a PAX global header's `path` to later entries, and lets
// a PAX `path` silently win over a GNU long name. Those are refused here, so what DAM checks is what any
// reader sees. It also enforces a bound on the bytes the archive declares, before any of them pass.

export class TarFrameError extends Error {}
/** The archive declares more bytes than its bound: a gzip bomb, or an engine without the room for it. */
export class TarBoundError extends TarFrameError {}

const BLOCK = 512;
/** Long-name and PAX headers are small; tar-stream refuses more than 1 MiB too. */
const LONG_HEADER_MAX = 1024 * 1024;
/** Typeflags that carry no data in Go's reader: a size on them is read differently by the two parsers. */
const HEADER_ONLY = new Set(['1', '2', '3', '4', '5', '6']);
const DATA_TYPES = new Set(['0', '\0', '7']);

const roundUp = (n: number) => Math.ceil(n / BLOCK) * BLOCK;

/** The size field: octal digits, or base-256 when its first byte has the high bit set. */
export function parseSizeField(block: Uint8Array): number | undefined {
  const field = block.subarray(124, 136);
  if (field[0]! & 0x80) {
    let n = field[0]! & 0x7f;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i]!;
    return Number.isSafeInteger(n) ? n : undefined;
  }
  const text = Buffer.from(field)
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .replace(/^ +/, '');
  if (text === '') return 0;
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : undefined;
}

function checksumOk(block: Uint8Array): boolean {
  const field = Buffer.from(block.subarray(148, 156))
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .trim();
  if (!/^[0-7]{1,8}$/.test(field)) return false;
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return sum === parseInt(field, 8);
}

/** The keys of PAX records (`LEN key=value\n`) that change how an entry is framed or named. */
function paxKeys(data: Buffer): Map<string, string> {
  const keys = new Map<string, string>();
  let at = 0;
  while (at < data.length && data[at] !== 0) {
    const space = data.indexOf(0x20, at);
    const len = space > at ? Number(data.subarray(at, space).toString('latin1')) : NaN;
    if (!Number.isSafeInteger(len) || len <= space - at || at + len > data.length)
      throw new TarFrameError('a PAX header is malformed');
    const record = data.subarray(space + 1, at + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq <= 0) throw new TarFrameError('a PAX header is malformed');
    const key = record.slice(0, eq);
    if (keys.has(key)) throw new TarFrameError(`a PAX header sets '${key}' twice`);
    keys.set(key, record.slice(eq + 1));
    at += len;
  }
  return keys;
}

export interface FrameLimits {
  /** The most bytes the tar stream may declare in all (headers, data and padding). */
  maxTotalBytes: number;
}

/** Feed it the tar stream's chunks in order with `push`, then call `end`. Both throw TarFrameError. */
export class TarFramer {
  /** Bytes of the tar stream declared so far (every header and every member's padded data). */
  declared = 0;
  private header: Buffer = Buffer.alloc(0);
  private skip = 0;
  private zeroBlocks = 0;
  private long: { type: string; need: number; chunks: Buffer[] } | undefined;
  private gnuName = false;
  private gnuLink = false;
  private pax: Map<string, string> | undefined;

  constructor(private readonly limits: FrameLimits) {}

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - at);
        if (this.long && this.long.need > 0) {
          const take = Math.min(n, this.long.need);
          this.long.chunks.push(chunk.subarray(at, at + take));
          this.long.need -= take;
        }
        this.skip -= n;
        at += n;
        if (this.skip === 0 && this.long) this.closeLongHeader();
        continue;
      }
      const n = Math.min(BLOCK - this.header.length, chunk.length - at);
      this.header =
        this.header.length === 0 && n === BLOCK
          ? chunk.subarray(at, at + n)
          : Buffer.concat([this.header, chunk.subarray(at, at + n)]);
      at += n;
      if (this.header.length === BLOCK) {
        const block = this.header;
        this.header = Buffer.alloc(0);
        this.onHeader(block);
      }
    }
  }

  end(): void {
    if (this.zeroBlocks < 2 || this.skip > 0 || this.header.length > 0)
      throw new TarFrameError('the tar stream is truncated (no end-of-archive marker)');
  }

  private onHeader(block: Buffer): void {
    if (block.every((b) => b === 0)) {
      this.zeroBlocks++;
      return;
    }
    if (this.zeroBlocks > 0) throw new TarFrameError('it has data after the end-of-archive marker');
    if (!checksumOk(block)) throw new TarFrameError('a tar header is corrupt (bad checksum)');
    const type = String.fromCharCode(block[156]!);
    const size = parseSizeField(block);
    if (size === undefined) throw new TarFrameError('a tar header has an unreadable size');
    if (type === 'g') throw new TarFrameError('it has a PAX global header, which tar readers apply differently');
    if (type === 'x' || type === 'L' || type === 'K') {
      if (size > LONG_HEADER_MAX) throw new TarFrameError('a long-name or PAX header is too large');
      const repeated = (type === 'x' && this.pax) || (type === 'L' && this.gnuName) || (type === 'K' && this.gnuLink);
      if (repeated)
        throw new TarFrameError('one entry has two headers of the same kind, which tar readers resolve differently');
      this.account(BLOCK + roundUp(size));
      this.long = { type, need: size, chunks: [] };
      this.skip = roundUp(size);
      if (this.skip === 0) this.closeLongHeader();
      return;
    }
    this.onEntry(type, size);
  }

  private closeLongHeader(): void {
    const long = this.long!;
    this.long = undefined;
    if (long.type === 'L') this.gnuName = true;
    else if (long.type === 'K') this.gnuLink = true;
    else this.pax = paxKeys(Buffer.concat(long.chunks));
  }

  private onEntry(type: string, headerSize: number): void {
    const pax = this.pax;
    if (this.gnuName && pax?.has('path')) throw new TarFrameError('an entry has both a GNU long name and a PAX path');
    if (this.gnuLink && pax?.has('linkpath'))
      throw new TarFrameError('an entry has both a GNU long link name and a PAX linkpath');
    this.gnuName = false;
    this.gnuLink = false;
    this.pax = undefined;
    let size = headerSize;
    const paxSize = pax?.get('size');
    if (paxSize !== undefined) {
      if (!/^\d{1,16}$/.test(paxSize)) throw new TarFrameError('a PAX size is not a number');
      size = Number(paxSize);
    }
    if (HEADER_ONLY.has(type)) {
      if (size !== 0) throw new TarFrameError('a link, folder or device entry declares data');
    } else if (!DATA_TYPES.has(type)) {
      throw new TarFrameError(`it has a tar entry of type '${type.replace(/[^ -~]/g, '?')}', which DAM does not read`);
    }
    this.account(BLOCK + roundUp(size));
    this.skip = roundUp(size);
  }

  private account(bytes: number): void {
    this.declared += bytes;
    if (this.declared > this.limits.maxTotalBytes) {
      throw new TarBoundError(`it unpacks to more than ${this.limits.maxTotalBytes} bytes`);
    }
  }
}

/** How much a gzip'd archive may inflate: `ratio` times its size, at least `floor`. */
export const UNPACK_RATIO = 64;
export const UNPACK_FLOOR = 1024 * 1024 * 1024;

/**
 * The most bytes an archive's tar stream may hold: a plain tar is bounded by its own size (a member that
 * declares more is a cut-short file, reported as such); a gzip'd one at most
 * `ratio` times its size (and at least UNPACK_FLOOR, so small apps with sparse files still load); never
 * more than the engine's free space, when known.
 */
export function unpackBound(
  fileBytes: number,
  compressed: boolean,
  options: { freeBytes?: number; ratio?: number } = {},
): number {
  const bound = compressed
    ? Math.max(UNPACK_FLOOR, fileBytes * (options.ratio ?? UNPACK_RATIO))
    : Number.MAX_SAFE_INTEGER;
  return options.freeBytes === undefined ? bound : Math.min(bound, options.freeBytes);
}
