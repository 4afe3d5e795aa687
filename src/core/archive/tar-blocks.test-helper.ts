// Raw tar blocks for hostile-input tests: headers of any type (GNU long names, PAX and PAX global headers)
// that tar writers will not produce on request, and members placed after the end-of-archive marker.

const BLOCK = 512;

/** One ustar header block with a valid checksum. `type` is the typeflag character. */
export function headerBlock(name: string, type: string, size: number, linkname = ''): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(name.slice(0, 100), 0, 'utf8');
  block.write('0000644\0', 100);
  block.write('0000000\0', 108);
  block.write('0000000\0', 116);
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  block.write('00000000000\0', 136);
  block.write(type, 156, 'latin1');
  block.write(linkname.slice(0, 100), 157, 'utf8');
  block.write('ustar\x0000', 257, 'latin1');
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of block) sum += b;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

/** Data padded to whole blocks. */
export function padded(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK)]);
}

/** A member: its header and padded data. */
export function memberBlocks(name: string, data: Buffer | string, type = '0'): Buffer {
  const bytes = Buffer.from(data);
  return Buffer.concat([headerBlock(name, type, bytes.length), padded(bytes)]);
}

/** A PAX extended header (`x`) or global header (`g`) carrying these records. */
export function paxBlocks(records: Record<string, string>, type: 'x' | 'g' = 'x'): Buffer {
  const body = Object.entries(records)
    .map(([k, v]) => {
      const rest = ` ${k}=${v}\n`;
      let len = rest.length + 1;
      while (`${len}${rest}`.length !== len) len++;
      return `${len}${rest}`;
    })
    .join('');
  return memberBlocks('././@PaxHeader', body, type);
}

/** A GNU long name header (`L`) for the next entry. */
export function gnuLongName(name: string): Buffer {
  return memberBlocks('././@LongLink', `${name}\0`, 'L');
}

export const END_OF_ARCHIVE = Buffer.alloc(2 * BLOCK);

/** A tar's bytes without its end-of-archive marker (tar-stream writes exactly two zero blocks). */
export function withoutEnd(tarBytes: Buffer): Buffer {
  return tarBytes.subarray(0, tarBytes.length - 2 * BLOCK);
}
