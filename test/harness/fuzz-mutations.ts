// Seeded mutations of the files DAM reads, for test/fuzz.test.ts: byte-level (truncate, flip bits) on any
// file, member-level on tars (duplicate, reorder, add links, add PAX headers, a GNU long name), line-level on
// app lists and product files. A small tar writer of our own, so that the odd header kinds are exactly as
// written. Every mutation is described in words, so a failing case can be read and replayed.
import { gunzipSync, gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';

/** mulberry32: small, seeded, and the same on every Node. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rand = () => number;
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
const int = (rand: Rand, max: number): number => Math.floor(rand() * max);

export interface Member {
  name: string;
  /** '0' file, '1' hard link, '2' symlink, '5' folder, 'x' PAX for the next member, 'g' PAX global, 'L' GNU long name. */
  type: string;
  data: Buffer;
  linkname?: string;
}

export async function readMembers(tarBytes: Buffer): Promise<Member[]> {
  const out: Member[] = [];
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => void chunks.push(c as Buffer));
      stream.on('end', () => {
        const type =
          header.type === 'directory' ? '5' : header.type === 'symlink' ? '2' : header.type === 'link' ? '1' : '0';
        out.push({
          name: header.name,
          type,
          data: Buffer.concat(chunks),
          ...(header.linkname ? { linkname: header.linkname } : {}),
        });
        next();
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  Readable.from([tarBytes]).pipe(extract);
  await done;
  return out;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(m: Member): Buffer {
  const h = Buffer.alloc(512);
  h.write(m.name.slice(0, 100), 0, 'utf8');
  h.write(octal(m.type === '5' ? 0o755 : 0o644, 8), 100);
  h.write(octal(0, 8), 108);
  h.write(octal(0, 8), 116);
  h.write(octal(m.data.length, 12), 124);
  h.write(octal(0, 12), 136);
  h.write('        ', 148);
  h.write(m.type, 156);
  if (m.linkname) h.write(m.linkname.slice(0, 100), 157, 'utf8');
  h.write('ustar\0' + '00', 257, 'binary');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(octal(sum, 7) + ' ', 148);
  return h;
}

export function writeTar(members: Member[]): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    parts.push(header(m), m.data, Buffer.alloc((512 - (m.data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.from(`${len}${body}`);
}

type TarMutation = (rand: Rand, members: Member[]) => { members: Member[]; what: string; trailing?: Member };

const tarMutations: Record<string, TarMutation> = {
  duplicate: (rand, members) => {
    const i = int(rand, members.length);
    const copy = { ...members[i]! };
    const at = int(rand, members.length + 1);
    return {
      members: [...members.slice(0, at), copy, ...members.slice(at)],
      what: `duplicate member '${copy.name}' at ${at}`,
    };
  },
  reorder: (rand, members) => {
    const shuffled = [...members];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = int(rand, i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    return { members: shuffled, what: 'reorder members' };
  },
  symlink: (rand, members) => {
    const target = pick(rand, ['/etc/passwd', '../../outside', pick(rand, members).name, 'missing']);
    const name = rand() < 0.5 ? pick(rand, members).name : 'extra-link';
    const link: Member = { name, type: '2', data: Buffer.alloc(0), linkname: target };
    return { members: [...members, link], what: `add symlink '${name}' -> '${target}'` };
  },
  hardlink: (rand, members) => {
    const target = pick(rand, members).name;
    const name =
      rand() < 0.5 ? pick(rand, ['manifest.json', 'index.json', 'app_list', 'extra']) : pick(rand, members).name;
    return {
      members: [{ name, type: '1', data: Buffer.alloc(0), linkname: target }, ...members],
      what: `add hard link '${name}' -> '${target}'`,
    };
  },
  pax: (rand, members) => {
    const i = int(rand, members.length);
    const path = pick(rand, ['manifest.json', 'index.json', '../escape', members[int(rand, members.length)]!.name]);
    const pax: Member = { name: 'PaxHeader', type: 'x', data: paxRecord('path', path) };
    return {
      members: [...members.slice(0, i), pax, ...members.slice(i)],
      what: `PAX path '${path}' on member '${members[i]!.name}'`,
    };
  },
  paxGlobal: (rand, members) => {
    const path = pick(rand, ['manifest.json', 'evil.json']);
    return {
      members: [{ name: 'GlobalHead', type: 'g', data: paxRecord('path', path) }, ...members],
      what: `PAX global header path '${path}'`,
    };
  },
  gnuLongName: (rand, members) => {
    const i = int(rand, members.length);
    const long = `${'d/'.repeat(60)}${members[i]!.name}`;
    return {
      members: [
        ...members.slice(0, i),
        { name: '././@LongLink', type: 'L', data: Buffer.from(`${long}\0`) },
        ...members.slice(i),
      ],
      what: `GNU long name '${long.slice(0, 20)}…' on member '${members[i]!.name}'`,
    };
  },
  trailing: (rand, members) => {
    const extra = pick(rand, members);
    return { members, what: `member '${extra.name}' after the end-of-archive marker`, trailing: extra };
  },
};

export interface Mutated {
  bytes: Buffer;
  what: string;
}

function flipBits(rand: Rand, bytes: Buffer): Mutated {
  const out = Buffer.from(bytes);
  const n = 1 + int(rand, 8);
  const at: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = int(rand, out.length);
    out[i] = out[i]! ^ (1 << int(rand, 8));
    at.push(i);
  }
  return { bytes: out, what: `flip bits at ${at.join(',')}` };
}

function truncate(rand: Rand, bytes: Buffer): Mutated {
  const at = rand() < 0.2 ? int(rand, 4) : int(rand, bytes.length);
  return { bytes: bytes.subarray(0, at), what: `truncate to ${at} bytes` };
}

/** A mutation of a tar (gzip'd when `gzip`), whose members are `members`. */
export function mutateTar(rand: Rand, original: Buffer, members: Member[], gzip: boolean): Mutated {
  const kind = pick(rand, ['truncate', 'flip', 'flipInner', ...Object.keys(tarMutations)]);
  if (kind === 'truncate') return truncate(rand, original);
  if (kind === 'flip') return flipBits(rand, original);
  const plain = gzip ? gunzipSync(original) : original;
  if (kind === 'flipInner') {
    const flipped = flipBits(rand, plain);
    return { bytes: gzip ? gzipSync(flipped.bytes) : flipped.bytes, what: `${flipped.what} of the tar inside` };
  }
  const result = tarMutations[kind]!(rand, members);
  let bytes = writeTar(result.members);
  if (result.trailing) bytes = Buffer.concat([bytes, writeTar([result.trailing])]);
  return { bytes: gzip ? gzipSync(bytes) : bytes, what: result.what };
}

/** A mutation of an app list or product file, line by line or byte by byte. */
export function mutateText(rand: Rand, original: Buffer): Mutated {
  const lines = original.toString('utf8').split('\n');
  const kind = pick(rand, ['truncate', 'flip', 'duplicate', 'reorder', 'inject']);
  if (kind === 'truncate') return truncate(rand, original);
  if (kind === 'flip') return flipBits(rand, original);
  if (kind === 'duplicate') {
    const i = int(rand, lines.length);
    return {
      bytes: Buffer.from([...lines.slice(0, i + 1), lines[i], ...lines.slice(i + 1)].join('\n')),
      what: `duplicate line ${i + 1}`,
    };
  }
  if (kind === 'reorder') return { bytes: Buffer.from([...lines].reverse().join('\n')), what: 'reverse the lines' };
  const line = pick(rand, ['../../etc/passwd:1.0', 'a:b:c', '\u0000:1', `${'x'.repeat(300)}:1.0`, '{"format":99}']);
  return { bytes: Buffer.from([line, ...lines].join('\n')), what: `insert line '${line.slice(0, 20)}'` };
}
