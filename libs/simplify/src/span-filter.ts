/**
 * The authors' span filter (PAPER.md section 1, "Span rule"): keeps the stretches of a
 * document that are written almost entirely in the simple vocabulary.
 *
 * Algorithm, exactly as implemented (and as the reference in span-filter.property.test.ts
 * re-implements it independently):
 *
 * 1. Tokenise (see tokens.ts): each of ` .,:;?!\n\t-()[]{}=<>"'&^%$#@*+/|\~` is a delimiter
 *    token of its own; runs of other characters are word tokens, split again wherever an
 *    ASCII digit meets a non-digit (`10th` -> `10`, `th`). Non-ASCII characters are
 *    non-digit word characters, so `don’t` (curly apostrophe) is one word. `\r` is not a
 *    delimiter: with CRLF line endings `the\r` is the word before the newline (and is OOV).
 * 2. State: the current span (empty at first), `words` and `oov` counters (0), and a
 *    sentence-start flag, true at the start of the document.
 * 3. For each token, while the span is empty:
 *    a. if `fromSentenceStart` and the flag is false, skip the token; the flag becomes true
 *       if the token is one of `.` `?` `!` newline, false otherwise;
 *    b. else, if the token is a space or a newline, skip it (the flag is left as it is, so in
 *       `end. Next` the word `Next` still starts a sentence);
 *    c. else the token opens the span and is handled as in 4.
 * 4. A delimiter token is appended to the span. A word token increments `words` first; it
 *    is accepted if it is all ASCII digits or its ASCII-lower-cased form is in the
 *    vocabulary, and then appended verbatim (original case).
 * 5. Otherwise it is OOV: `oov += 1`, `p = oov / max(words, minWords)`. If
 *    `p <= maxOovFraction` it is appended like an accepted word. If not, the span ends
 *    before it: trailing spaces and newlines are trimmed; the span is emitted if
 *    `words > minWords`, where `words` still counts the rejecting word (so a span of exactly
 *    `minWords` words ended by an OOV word IS emitted); the rejecting word is dropped (it
 *    does not open the next span), `words` and `oov` go back to 0 and the flag is false (a
 *    word is not a sentence end), so with `fromSentenceStart` the next span can only open
 *    after the next `.` `?` `!` or newline.
 * 6. At the end of the document an open span is trimmed the same way and emitted if
 *    `words > minWords` (here no rejecting word is counted: 32 words are dropped, 33 kept).
 * 7. A span whose trimmed text is empty is never emitted (only possible with
 *    `minWords` 0; the authors' pipeline dropped empty spans too).
 *
 * An emitted span reports the words and OOV words of its own text: at a rejection that is
 * the counters minus the rejecting word. With the defaults (32, 0.01) the first OOV word of
 * a span always ends it; an OOV word survives only once `words` (itself included) is 100+.
 *
 * The filter works on the UTF-8 bytes of a document ({@link spanFilterBytes}): non-ASCII bytes
 * are word characters, so the tokens are those of the rule above, and every token boundary
 * is next to an ASCII byte, so a span's bytes decode to the same text as the document's
 * characters there. A word is looked up in a {@link WordTable} straight from the bytes; no
 * string is built for it. The sentence-start flag of step 3 is false only after a
 * span-ending OOV word, so from there the filter runs to the next sentence end in one tight
 * loop that only counts words. {@link spanFilter} is the same filter on a string.
 */
import { BYTE_CLASS, DELIMITER, DIGIT, SENTENCE_END, asciiLowerCase } from './tokens.js';
import { wordTableOf, type WordTable } from './word-table.js';

export interface SpanFilterOptions {
  /** A span is emitted only if it has more words than this (default 32). */
  readonly minWords?: number;
  /** Largest OOV fraction `oov / max(words, minWords)` a span may reach (default 0.01). */
  readonly maxOovFraction?: number;
  /** Spans open only at a sentence start (default true). */
  readonly fromSentenceStart?: boolean;
}

export const DEFAULT_SPAN_FILTER_OPTIONS: Required<SpanFilterOptions> = {
  minWords: 32,
  maxOovFraction: 0.01,
  fromSentenceStart: true,
};

export interface Span {
  /** The span as written in the document, trailing spaces and newlines trimmed. */
  readonly text: string;
  /** Word tokens in `text`. */
  readonly words: number;
  /** OOV word tokens kept in `text`. */
  readonly oov: number;
}

export interface SpanFilterResult {
  readonly spans: Span[];
  /** Word tokens in the whole document. */
  readonly wordsIn: number;
  /** Every OOV word the filter looked at (kept or span-ending), ASCII-lower-cased, in order. */
  readonly oovWords: string[];
}

/** A span as a byte range `[start, end)` of the document, trailing spaces and newlines trimmed. */
export interface ByteSpan {
  readonly start: number;
  readonly end: number;
  /** Word tokens in the span. */
  readonly words: number;
  /** OOV word tokens kept in the span. */
  readonly oov: number;
}

export interface ByteSpanFilterResult {
  readonly spans: ByteSpan[];
  /** Word tokens in the whole document. */
  readonly wordsIn: number;
  /** Start offset of every OOV word the filter looked at (kept or span-ending), in order; see wordEnd. */
  readonly oovWordStarts: Int32Array;
  /**
   * The words of the emitted spans, in order: a word of the vocabulary as its id in the
   * WordTable, any other word (a number, a kept OOV word) as `-1 - start`; see wordEnd.
   */
  readonly spanWords: Int32Array;
}

const SPACE = 32;
const NEWLINE = 10;

/** WORD_START[(previous << 3) | current]: 1 where a character of class `current` after one of class `previous` starts a word. */
const WORD_START: Uint8Array = Uint8Array.from({ length: 64 }, (_, index) => {
  const previous = index >> 3;
  const current = index & 7;
  return current < DELIMITER && (previous >= DELIMITER || (previous === DIGIT) !== (current === DIGIT)) ? 1 : 0;
});

/**
 * Splits the UTF-8 document `bytes` into the spans that the authors' filter keeps.
 * `vocabulary` holds lower-case words; tokens are ASCII-lower-cased for the look-up.
 */
export function spanFilterBytes(bytes: Uint8Array, vocabulary: WordTable, options: SpanFilterOptions = {}): ByteSpanFilterResult {
  const { minWords, maxOovFraction, fromSentenceStart } = resolveSpanFilterOptions(options);
  const spans: ByteSpan[] = [];
  const oovWordStarts = new IntList();
  const spanWords = new IntList();
  const length = bytes.length;
  let wordsIn = 0;
  let spanStart = -1; // -1 while the span is empty
  let spanEnd = 0;
  let spanWordsMark = 0; // spanWords.length when the span opened
  let words = 0;
  let oov = 0;

  let i = 0;
  while (i < length) {
    const byte = bytes[i] as number;
    const cls = BYTE_CLASS[byte] as number;

    if (cls >= DELIMITER) {
      if (spanStart >= 0) spanEnd = i + 1;
      else if (byte !== SPACE && byte !== NEWLINE) {
        spanStart = i;
        spanEnd = i + 1;
        spanWordsMark = spanWords.length;
      }
      i++;
      continue;
    }

    const end = wordEnd(bytes, i);
    wordsIn++;
    if (spanStart < 0) {
      spanStart = i;
      spanEnd = i;
      spanWordsMark = spanWords.length;
    }
    words++;
    const id = cls === DIGIT ? -1 : vocabulary.find(bytes, i, end);
    if (id >= 0) {
      spanWords.push(id);
      spanEnd = end;
    } else if (cls === DIGIT) {
      spanWords.push(-1 - i);
      spanEnd = end;
    } else {
      oovWordStarts.push(i);
      oov++;
      if (oov / Math.max(words, minWords) <= maxOovFraction) {
        spanWords.push(-1 - i);
        spanEnd = end;
      } else {
        if (!(words > minWords && emitSpan(bytes, spanStart, spanEnd, words - 1, oov - 1, spans))) spanWords.length = spanWordsMark;
        spanStart = -1;
        words = 0;
        oov = 0;
        if (fromSentenceStart) {
          // The next span opens only after the next sentence end: skip there, counting words
          // without a branch per byte (a word starts where WORD_START says so).
          let previous = cls;
          i = end;
          for (; i < length; i++) {
            const next = BYTE_CLASS[bytes[i] as number] as number;
            if (next === SENTENCE_END) break;
            wordsIn += WORD_START[(previous << 3) | next] as number;
            previous = next;
          }
          i++; // past the sentence end
          continue;
        }
      }
    }
    i = end;
  }
  if (spanStart >= 0 && !(words > minWords && emitSpan(bytes, spanStart, spanEnd, words, oov, spans))) spanWords.length = spanWordsMark;
  return { spans, wordsIn, oovWordStarts: oovWordStarts.toArray(), spanWords: spanWords.toArray() };
}

/** A growing list of 32-bit integers that is cut back by setting `length` (cheaper than an array's). */
class IntList {
  private items = new Int32Array(256);
  length = 0;

  push(value: number): void {
    if (this.length === this.items.length) {
      const items = new Int32Array(2 * this.items.length);
      items.set(this.items);
      this.items = items;
    }
    this.items[this.length++] = value;
  }

  toArray(): Int32Array {
    return this.items.subarray(0, this.length);
  }
}

/** End of the word token that starts at `start`: a run of ASCII digits, or of other word characters. */
export function wordEnd(bytes: Uint8Array, start: number): number {
  const length = bytes.length;
  let end = start + 1;
  if (BYTE_CLASS[bytes[start] as number] === DIGIT) {
    while (end < length && BYTE_CLASS[bytes[end] as number] === DIGIT) end++;
  } else {
    while (end < length && (BYTE_CLASS[bytes[end] as number] as number) < DIGIT) end++;
  }
  return end;
}

/** Appends `bytes[start, end)` minus trailing spaces and newlines, unless nothing is left. */
function emitSpan(bytes: Uint8Array, start: number, end: number, words: number, oov: number, spans: ByteSpan[]): boolean {
  let trimmedEnd = end;
  while (trimmedEnd > start) {
    const last = bytes[trimmedEnd - 1];
    if (last !== SPACE && last !== NEWLINE) break;
    trimmedEnd--;
  }
  if (trimmedEnd === start) return false;
  spans.push({ start, end: trimmedEnd, words, oov });
  return true;
}

const UTF8 = new TextEncoder();
const DECODER = new TextDecoder();

/**
 * Splits `text` into the spans that the authors' filter keeps. `vocabulary` holds
 * lower-case words (see vocabulary.ts); tokens are ASCII-lower-cased before the look-up.
 * Lone UTF-16 surrogates, which UTF-8 cannot hold, are read as U+FFFD.
 */
export function spanFilter(text: string, vocabulary: ReadonlySet<string>, options: SpanFilterOptions = {}): SpanFilterResult {
  const bytes = UTF8.encode(text);
  const result = spanFilterBytes(bytes, wordTableOf(vocabulary), options);
  const decode = (start: number, end: number): string => DECODER.decode(bytes.subarray(start, end));
  return {
    spans: result.spans.map((span) => ({ text: decode(span.start, span.end), words: span.words, oov: span.oov })),
    wordsIn: result.wordsIn,
    oovWords: Array.from(result.oovWordStarts, (start) => asciiLowerCase(decode(start, wordEnd(bytes, start)))),
  };
}

/** Fills in the defaults and refuses options the rule cannot work with. */
export function resolveSpanFilterOptions(options: SpanFilterOptions): Required<SpanFilterOptions> {
  // Field by field: this runs once per document, and a corpus can have millions of small ones.
  const resolved = {
    minWords: options.minWords === undefined ? DEFAULT_SPAN_FILTER_OPTIONS.minWords : options.minWords,
    maxOovFraction: options.maxOovFraction === undefined ? DEFAULT_SPAN_FILTER_OPTIONS.maxOovFraction : options.maxOovFraction,
    fromSentenceStart: options.fromSentenceStart === undefined ? DEFAULT_SPAN_FILTER_OPTIONS.fromSentenceStart : options.fromSentenceStart,
  };
  if (!Number.isInteger(resolved.minWords) || resolved.minWords < 0) {
    throw new RangeError(`spanFilter: minWords must be a non-negative integer, got ${resolved.minWords}`);
  }
  if (!(resolved.maxOovFraction >= 0 && resolved.maxOovFraction <= 1)) {
    throw new RangeError(`spanFilter: maxOovFraction must be a number from 0 to 1, got ${resolved.maxOovFraction}`);
  }
  if (typeof resolved.fromSentenceStart !== 'boolean') {
    throw new TypeError(`spanFilter: fromSentenceStart must be true or false, got ${String(resolved.fromSentenceStart)}`);
  }
  return resolved;
}

/** Joins a document's spans the way the authors wrote them out: `<s> span </s> <s> span </s>`. */
export function joinSpans(spans: readonly Span[]): string {
  return spans.map((span) => `<s> ${span.text} </s>`).join(' ');
}
