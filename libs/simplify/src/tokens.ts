/**
 * The paper's tokenisation (PAPER.md section 1, step 1) as a character-class table, shared
 * by the span filter and the statistics so that both see the same words.
 *
 * - Each of these single characters is a delimiter token of its own:
 *   space . , : ; ? ! newline tab - ( ) [ ] { } = < > " ' & ^ % $ # @ * + / | \ ~
 * - Every other character is a word character; a switch between an ASCII digit and a
 *   non-digit also splits a word (`10th` -> `10`, `th`).
 * - The authors' filter works on bytes and treats non-ASCII bytes as word characters. On a JS
 *   string every non-ASCII UTF-16 unit is therefore a (non-digit) word character, which gives
 *   the same token boundaries as the byte rule.
 * - Lower-casing is ASCII-only (`A`-`Z`), as a byte-oriented filter's is: `É` stays `É`.
 */

/** Class of a character or byte; every non-ASCII one is {@link LETTER}. */
export const LETTER = 0;
export const UPPER = 1;
export const DIGIT = 2;
export const DELIMITER = 3;
/** A delimiter after which the next token is a sentence start: `.` `?` `!` newline. */
export const SENTENCE_END = 4;

export const SPAN_DELIMITERS = ' .,:;?!\n\t-()[]{}=<>"\'&^%$#@*+/|\\~';

/** Class of each byte of UTF-8 text, and of each ASCII code (bytes 128-255 are LETTER). */
export const BYTE_CLASS: Uint8Array = buildByteClassTable();

function buildByteClassTable(): Uint8Array {
  const table = new Uint8Array(256).fill(LETTER);
  for (let code = 65; code <= 90; code++) table[code] = UPPER;
  for (let code = 48; code <= 57; code++) table[code] = DIGIT;
  for (const delimiter of SPAN_DELIMITERS) table[delimiter.charCodeAt(0)] = DELIMITER;
  for (const end of '.?!\n') table[end.charCodeAt(0)] = SENTENCE_END;
  return table;
}

/** Class of the character code `code` (one UTF-16 unit). */
export function charClass(code: number): number {
  return code < 128 ? (BYTE_CLASS[code] as number) : LETTER;
}

/** Lower-cases `A`-`Z` only, leaving every other character as it is. */
export function asciiLowerCase(text: string): string {
  let hasUpper = false;
  let hasNonAscii = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 65 && code <= 90) hasUpper = true;
    else if (code >= 128) hasNonAscii = true;
  }
  if (!hasUpper) return text;
  // For pure-ASCII text the built-in is the same mapping, and much faster.
  if (!hasNonAscii) return text.toLowerCase();
  return text.replace(/[A-Z]+/g, (upper) => upper.toLowerCase());
}

/** The word (non-delimiter) tokens of `text`, in order and as written. */
export function wordTokens(text: string): string[] {
  const words: string[] = [];
  let start = -1;
  let startIsDigit = false;
  for (let i = 0; i < text.length; i++) {
    const cls = charClass(text.charCodeAt(i));
    if (cls >= DELIMITER) {
      if (start >= 0) words.push(text.slice(start, i));
      start = -1;
    } else if (start < 0) {
      start = i;
      startIsDigit = cls === DIGIT;
    } else if ((cls === DIGIT) !== startIsDigit) {
      words.push(text.slice(start, i));
      start = i;
      startIsDigit = cls === DIGIT;
    }
  }
  if (start >= 0) words.push(text.slice(start));
  return words;
}
