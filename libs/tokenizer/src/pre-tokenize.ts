/**
 * Pre-tokenisation of the paper (PAPER.md section 2): the regex `\w+|[^\w\s]+`, i.e. runs of word
 * characters and runs of other non-space characters; whitespace separates and is dropped.
 *
 * The saved tokenizer.json states it as a `Split` pre-tokenizer with that regex (inverted,
 * delimiters removed), which Hugging Face tokenizers (Rust, hence Python) compiles with
 * Oniguruma. Its Unicode classes are used here:
 * - word: Alphabetic, marks (M), decimal digits (Nd), connector punctuation (Pc), plus the
 *   Latin-1 digits-like characters ² ³ ¹ ¼ ½ ¾ that Oniguruma's ctype table adds;
 * - space: White_Space.
 * The built-in `Whitespace` pre-tokenizer is not used: Rust compiles it with the `regex` crate,
 * whose `\w` differs (Join_Control, no ²³¹¼½¾), and @huggingface/tokenizers runs it as an
 * ASCII-only JS regex, so the two would split `café` differently.
 */

/** The pre-tokenizer as written in tokenizer.json. */
export const PRE_TOKENIZER_JSON = {
  type: 'Split',
  pattern: { Regex: '\\w+|[^\\w\\s]+' },
  behavior: 'Removed',
  invert: true,
} as const;

const SPACE = 0;
const WORD = 1;
const OTHER = 2;

const WORD_CHARACTER = /^[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\u00B2\u00B3\u00B9\u00BC-\u00BE]$/u;
const SPACE_CHARACTER = /^\p{White_Space}$/u;

function classOf(character: string): number {
  if (SPACE_CHARACTER.test(character)) return SPACE;
  return WORD_CHARACTER.test(character) ? WORD : OTHER;
}

/** Class of every UTF-16 unit below 0x10000; lone surrogates are OTHER, as in a `u` regex. */
const BMP_CLASS: Uint8Array = (() => {
  const table = new Uint8Array(0x10000);
  for (let code = 0; code < 0x10000; code++) {
    table[code] = code >= 0xd800 && code <= 0xdfff ? OTHER : classOf(String.fromCharCode(code));
  }
  return table;
})();

/** Classes of astral code points, computed when first seen (they are rare). */
const astralClass = new Map<number, number>();

function classOfAstral(codePoint: number): number {
  let result = astralClass.get(codePoint);
  if (result === undefined) {
    result = classOf(String.fromCodePoint(codePoint));
    astralClass.set(codePoint, result);
  }
  return result;
}

/** FNV-1a over UTF-16 code units: the hash {@link forEachPreTokenSpan} reports for each piece. */
export const HASH_SEED = 0x811c9dc5;
export function hashStep(hash: number, code: number): number {
  return Math.imul(hash ^ code, 0x01000193);
}

/**
 * Calls `visit(start, end, hash)` for each pre-token `text[start, end)` within `[from, to)`, in
 * order, with the FNV-1a hash of its code units. Spans and a hash computed during the scan
 * let the encoder look words up without slicing a string per word.
 */
export function forEachPreTokenSpan(text: string, visit: (start: number, end: number, hash: number) => void, from = 0, to = text.length): void {
  let index = from;
  let pieceStart = -1;
  let pieceClass = SPACE;
  let hash = HASH_SEED;
  while (index < to) {
    const code = text.charCodeAt(index);
    let width = 1;
    let characterClass: number;
    if (code >= 0xd800 && code <= 0xdbff && index + 1 < to) {
      const low = text.charCodeAt(index + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        width = 2;
        characterClass = classOfAstral(((code - 0xd800) << 10) + (low - 0xdc00) + 0x10000);
      } else {
        characterClass = OTHER;
      }
    } else {
      characterClass = BMP_CLASS[code] as number;
    }
    if (characterClass !== pieceClass) {
      if (pieceClass !== SPACE) visit(pieceStart, index, hash);
      pieceStart = index;
      pieceClass = characterClass;
      hash = HASH_SEED;
    }
    hash = hashStep(hash, code);
    if (width === 2) hash = hashStep(hash, text.charCodeAt(index + 1));
    index += width;
  }
  if (pieceClass !== SPACE) visit(pieceStart, to, hash);
}

/** Calls `visit` with each pre-token of `text`, in order. */
export function forEachPreToken(text: string, visit: (piece: string) => void): void {
  forEachPreTokenSpan(text, (start, end) => visit(text.slice(start, end)));
}

/** The pre-tokens of `text`, in order. */
export function preTokenize(text: string): string[] {
  const pieces: string[] = [];
  forEachPreToken(text, (piece) => pieces.push(piece));
  return pieces;
}
