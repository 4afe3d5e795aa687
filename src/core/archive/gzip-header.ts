// The header of one gzip member (RFC 1952, section 2.3): how long it is, so that the deflate data after it
// can be inflated raw. Pure: the bytes seen so far in, a length, a wish for more, or a reason out.
export type GzipHeader = { length: number } | { more: true } | { invalid: string };

/** A header longer than this (a huge name, comment or extra field) is refused rather than buffered. */
export const GZIP_HEADER_MAX = 64 * 1024;

const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;
const RESERVED = 0xe0;

export function gzipHeader(bytes: Uint8Array): GzipHeader {
  const fixed = [0x1f, 0x8b, 0x08];
  for (let i = 0; i < Math.min(bytes.length, fixed.length); i++)
    if (bytes[i] !== fixed[i]) return { invalid: i < 2 ? 'it is not gzip' : 'its gzip method is not deflate' };
  const more = (): GzipHeader =>
    bytes.length > GZIP_HEADER_MAX
      ? { invalid: `its gzip header is longer than ${GZIP_HEADER_MAX} bytes` }
      : { more: true };
  if (bytes.length < 10) return more();
  const flags = bytes[3]!;
  if ((flags & RESERVED) !== 0) return { invalid: 'its gzip header sets reserved flags' };
  let at = 10;
  if (flags & FEXTRA) {
    if (bytes.length < at + 2) return more();
    at += 2 + (bytes[at]! | (bytes[at + 1]! << 8));
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flags & flag)) continue;
    if (at >= bytes.length) return more();
    const end = bytes.indexOf(0, at);
    if (end === -1) return more();
    at = end + 1;
  }
  if (flags & FHCRC) at += 2;
  return at > bytes.length ? more() : { length: at };
}
