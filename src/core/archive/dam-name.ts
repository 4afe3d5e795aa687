// DAM 1.x `.dam` file names, `<name>-<version>.<crc32>.dam`, and the CRC-32 they carry. The CRC is
// CRC-32/IEEE (zlib's `crc32`, reversed polynomial 0xEDB88320) of the whole file, in 8 lowercase hex digits.
import * as zlib from 'node:zlib';

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * Continues a CRC-32 over `data`. Start with `previous = 0`; feed chunks in order to checksum a stream:
 * `crc32(b, crc32(a)) === crc32(a ++ b)`.
 */
export function crc32(data: Uint8Array, previous = 0): number {
  // Node's own (20.15 and newer, 22.2 and newer): about ten times the table's speed. Looked up at the call, so
  // that loading this module does not load zlib (the executable's start-up snapshot leaves it out).
  const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
  return native ? native(data, previous) : tableCrc32(data, previous);
}

/** The table-driven CRC-32, for a Node without zlib.crc32; exported so tests hold both to the same answers. */
export function tableCrc32(data: Uint8Array, previous = 0): number {
  let c = ~previous >>> 0;
  for (let i = 0; i < data.length; i++) c = TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** 8 lowercase hex digits, the CRC's 4 bytes big-endian: how 1.x writes it in file names. */
export function crc32Hex(crc: number): string {
  return (crc >>> 0).toString(16).padStart(8, '0');
}

/** An incremental CRC-32 for streams. */
export interface Crc32 {
  update(chunk: Uint8Array): void;
  readonly value: number;
  readonly hex: string;
}

export function createCrc32(): Crc32 {
  let value = 0;
  return {
    update: (chunk) => {
      value = crc32(chunk, value);
    },
    get value() {
      return value;
    },
    get hex() {
      return crc32Hex(value);
    },
  };
}

export function formatDamName(name: string, version: string, crc: number): string {
  return `${name}-${version}.${crc32Hex(crc)}.dam`;
}

export interface DamName {
  name: string;
  version: string;
  /** 8 lowercase hex digits. */
  crc32: string;
  /** File size, only in names written by DAM before 1.2 (`<crc>-<size>.dam`). */
  size?: number;
}

/**
 * Parses a `.dam` file's base name (never a path: 1.x parsed the whole path, so `..` or `--` in a folder
 * name broke it). Like 1.x: strip `.dam`, the checksum is after the last `.`, the version after the last
 * `-` of the rest, the name is what remains; none may be empty. A version holding `-` is therefore
 * split wrongly, as in 1.x: only the checksum is relied on. Undefined when the name does not follow the
 * pattern, e.g. a file written with `-o`, which carries no checksum.
 */
export function parseDamName(baseName: string): DamName | undefined {
  if (baseName.includes('/') || !baseName.endsWith('.dam')) return undefined;
  const stem = baseName.slice(0, -'.dam'.length);
  const dot = stem.lastIndexOf('.');
  if (dot < 0) return undefined;
  const hash = stem.slice(dot + 1);
  const rest = stem.slice(0, dot);
  const dash = rest.lastIndexOf('-');
  if (dash <= 0 || dash === rest.length - 1) return undefined;
  const match = /^([0-9a-fA-F]{8})(?:-(\d{1,15}))?$/.exec(hash);
  if (!match) return undefined;
  const parsed: DamName = { name: rest.slice(0, dash), version: rest.slice(dash + 1), crc32: match[1]!.toLowerCase() };
  if (match[2] !== undefined) parsed.size = Number(match[2]);
  return parsed;
}
