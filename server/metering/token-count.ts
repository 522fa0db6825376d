// Counts text tokens for a bound, fast and never below the truth. The tokenizer is exact but
// costs ~0.1-0.3 µs per byte, and its merge step is quadratic in the length of one pre-split
// piece (20,000 letters in a row: 250 ms). So a text is counted by the tokenizer only while the
// request's tokenizer budget lasts and when no piece can be long; otherwise by its UTF-8 length,
// a true upper bound since every token of a byte-level BPE is at least one byte. A text counted
// lately is not counted again (count-cache.ts), nor does it spend the budget.
// An estimate (what a call is charged when the upstream reported no usage) wants the truth, not a
// bound: there a text with a long piece is counted in slices, each short enough to merge cheaply.
import { CountCache } from './count-cache.js';
import type { Tokenizer } from './encodings.js';

/** Bytes of text per request counted by the tokenizer (~30k tokens of prose); the rest by bytes. */
export const DEFAULT_TOKENIZE_BUDGET_BYTES = 128 * 1024;

/** Characters of a slice when a text with a long piece is estimated: its merge stays in microseconds. */
export const ESTIMATE_SLICE_CHARS = 256;

/** Counts texts of one request; the budget is shared by all its calls. */
export type TextCounter = (text: string) => number;

/**
 * longPieces 'bytes' (a bound): a text that may hold a long piece counts its bytes; 'sliced' (an
 * estimate): it is counted slice by slice, which a cut can raise by a token or so, never to bytes.
 */
export function createTextCounter(tokenizer: Tokenizer | null, budgetBytes = DEFAULT_TOKENIZE_BUDGET_BYTES, longPieces: 'bytes' | 'sliced' = 'bytes'): TextCounter {
  if (tokenizer === null) return (text) => Buffer.byteLength(text, 'utf8');
  const cache = cacheOf(tokenizer);
  let left = budgetBytes;
  return (text) => {
    if (text.length === 0) return 0;
    const known = cache.get(text);
    if (known !== undefined) return known;
    const bytes = Buffer.byteLength(text, 'utf8');
    const longRun = bytes <= left && hasLongRun(text);
    if (bytes > left || (longRun && longPieces === 'bytes')) return bytes;
    left -= bytes;
    // not cached: the cache serves bounds too, and a sliced count is not one
    if (longRun) return countSliced(tokenizer, text);
    const tokens = tokenizer.countTokens(text);
    cache.set(text, tokens);
    return tokens;
  };
}

/** The text's slices counted one by one; a cut never splits a surrogate pair. */
function countSliced(tokenizer: Tokenizer, text: string): number {
  let tokens = 0;
  for (let start = 0; start < text.length; ) {
    let end = Math.min(start + ESTIMATE_SLICE_CHARS, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    tokens += tokenizer.countTokens(text.slice(start, end));
    start = end;
  }
  return tokens;
}

const caches = new WeakMap<Tokenizer, CountCache>();

function cacheOf(tokenizer: Tokenizer): CountCache {
  let cache = caches.get(tokenizer);
  if (!cache) caches.set(tokenizer, (cache = new CountCache()));
  return cache;
}

// Character classes of the o200k and cl100k pre-split patterns, as bits.
const SPACE = 1; // \s other than \r \n
const NEWLINE = 2; // \r \n
const LETTER = 4; // \p{L}
const MARK = 8; // \p{M}; also any surrogate: an astral character is unknown here, and MARK is the cautious guess
const DIGIT = 16; // \p{N}
const OTHER = 32; // none of the above
const SLASH = 64; // '/', an OTHER that o200k also lets trail a punctuation piece

// A piece longer than a few characters lies (but for one leading character and a short suffix)
// within a run of one of these sets: letters (o200k/cl100k word pieces), punctuation (incl. marks,
// which cl100k puts there), whitespace, or o200k's trailing [\r\n/]*.
const PIECE_SETS = [LETTER | MARK, OTHER | SLASH | MARK, SPACE | NEWLINE, NEWLINE | SLASH];

/** MIXED[mask] is 1 when characters of classes `mask` cannot all sit in one piece. */
const MIXED = Uint8Array.from({ length: 128 }, (_, mask) => (PIECE_SETS.every((set) => (mask & ~set) !== 0) ? 1 : 0));

/** Aligned blocks this long are checked: no piece outside them exceeds 4 × this − 3 characters. */
export const RUN_BLOCK = 32;

/**
 * True when the text may hold a pre-split piece longer than 4·RUN_BLOCK−3 characters. A piece
 * that long has a run of at least 2·RUN_BLOCK−1 characters from one set, and such a run covers a
 * whole aligned block; a block with characters from outside every set cannot be inside a piece.
 * Most blocks are cleared after a few characters (a letter then a space).
 */
export function hasLongRun(text: string): boolean {
  for (let start = 0; start + RUN_BLOCK <= text.length; start += RUN_BLOCK) {
    let mask = 0;
    let mixed = false;
    for (let i = start; i < start + RUN_BLOCK; i++) {
      mask |= classOf(text.charCodeAt(i));
      if (MIXED[mask] === 1) {
        mixed = true;
        break;
      }
    }
    if (!mixed) return true;
  }
  return false;
}

const classes = new Uint8Array(0x10000); // 0: not classified yet

function classOf(code: number): number {
  const known = classes[code] as number;
  if (known !== 0) return known;
  const c = classify(code);
  classes[code] = c;
  return c;
}

function classify(code: number): number {
  if (code === 0x0a || code === 0x0d) return NEWLINE;
  if (code === 0x2f) return SLASH;
  if (code >= 0xd800 && code <= 0xdfff) return MARK;
  const ch = String.fromCharCode(code);
  if (/\s/.test(ch)) return SPACE;
  if (/\p{L}/u.test(ch)) return LETTER;
  if (/\p{M}/u.test(ch)) return MARK;
  if (/\p{N}/u.test(ch)) return DIGIT;
  return OTHER;
}
