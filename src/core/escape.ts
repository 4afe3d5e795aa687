// The one escaper of text DAM shows on a terminal that came from elsewhere (names a user typed, labels,
// DESCRIPTION, engine progress): characters that can move the cursor, change colours or reorder what is
// read are shown as escapes, so such text can never rewrite the terminal or pass for other text. Pure.

/**
 * Which layout characters pass unescaped: `none` for one-line messages, `tab` for one-line progress,
 * `lines` (tab and newline) for multi-line text such as DESCRIPTION. Everything else in the set is escaped.
 */
export type KeepLayout = 'none' | 'tab' | 'lines';

// Every control character (C0, DEL, C1), the Unicode line and paragraph separators, and the bidirectional
// marks, embeddings, overrides and isolates (the "Trojan Source" characters). Spelled as ranges: the
// Unicode property class \p{Cc} costs milliseconds to compile at start-up.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `\xNN` for a character below 0x100, else `\u{N}`. */
function escapeOne(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

export function escapeControls(text: string, keep: KeepLayout = 'none'): string {
  return text.replace(UNSAFE, (c) =>
    (c === '\t' && keep !== 'none') || (c === '\n' && keep === 'lines') ? c : escapeOne(c),
  );
}
