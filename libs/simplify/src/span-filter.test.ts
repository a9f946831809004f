// The span rule pinned down on hand-worked documents: every expected span below was worked
// out by walking the rule in span-filter.ts by hand.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { joinSpans, spanFilter, type SpanFilterResult } from './index.js';

const CYCLE = ['the', 'cat', 'sat', 'on', 'a', 'mat'];
const vocabulary = new Set([...CYCLE, 'dog', 'ran', 'and', 'don', 't', 'we', 'go', 'th', 'café']);

/** `n` in-vocabulary words separated by single spaces: "the cat sat on a mat the ...". */
function vocabWords(n: number): string {
  return Array.from({ length: n }, (_, i) => CYCLE[i % CYCLE.length]).join(' ');
}

function result(spans: SpanFilterResult['spans'], wordsIn: number, oovWords: string[] = []): SpanFilterResult {
  return { spans, wordsIn, oovWords };
}

describe('spanFilter: length rule', () => {
  it('returns nothing for empty input', () => {
    assert.deepEqual(spanFilter('', vocabulary), result([], 0));
  });

  it('returns nothing for input made only of delimiters', () => {
    assert.deepEqual(spanFilter(' .,\n\t!?-()"\'~\\', vocabulary), result([], 0));
  });

  it('drops a 32-word span at the end of the document and keeps a 33-word one', () => {
    assert.deepEqual(spanFilter(`${vocabWords(32)}.`, vocabulary), result([], 32));
    assert.deepEqual(spanFilter(`${vocabWords(33)}.`, vocabulary), result([{ text: `${vocabWords(33)}.`, words: 33, oov: 0 }], 33));
  });

  it('counts the rejecting word: a 32-word span ended by an OOV word is emitted, a 31-word one is not', () => {
    assert.deepEqual(
      spanFilter(`${vocabWords(32)} zebra`, vocabulary),
      result([{ text: vocabWords(32), words: 32, oov: 0 }], 33, ['zebra']),
    );
    assert.deepEqual(spanFilter(`${vocabWords(31)} zebra`, vocabulary), result([], 32, ['zebra']));
  });
});

describe('spanFilter: OOV words', () => {
  it('ends the span at the first OOV word of a short span, drops that word and waits for a sentence start', () => {
    // `zebra` opens the document (a sentence start) and is rejected at once; with no `.?!` or
    // newline after it, no span can open again.
    assert.deepEqual(spanFilter(`zebra ${vocabWords(40)}`, vocabulary), result([], 41, ['zebra']));
  });

  it('keeps an OOV word once the span has 100 words with it (p = 1/100 = 0.01)', () => {
    const text = `${vocabWords(99)} Zebra ${vocabWords(5)}`;
    assert.deepEqual(spanFilter(text, vocabulary), result([{ text, words: 105, oov: 1 }], 105, ['zebra']));
  });

  it('rejects an OOV word after 98 words (p = 1/99) and emits the 98 words before it', () => {
    assert.deepEqual(
      spanFilter(`${vocabWords(98)} zebra ${vocabWords(5)}`, vocabulary),
      result([{ text: vocabWords(98), words: 98, oov: 0 }], 104, ['zebra']),
    );
  });

  it('rejects a second OOV word before 200 words and reports the kept one', () => {
    const kept = `${vocabWords(99)} zebra ${vocabWords(50)}`;
    assert.deepEqual(
      spanFilter(`${kept} yak ${vocabWords(3)}`, vocabulary),
      result([{ text: kept, words: 150, oov: 1 }], 154, ['zebra', 'yak']),
    );
  });

  it('keeps the original case of accepted words and looks them up lower-cased', () => {
    const text = `THE Cat ${vocabWords(31)}`;
    assert.deepEqual(spanFilter(text, vocabulary), result([{ text, words: 33, oov: 0 }], 33));
  });
});

describe('spanFilter: tokens', () => {
  it('accepts all-digit words and splits at digit/non-digit switches (10th -> 10, th)', () => {
    const text = `${vocabWords(31)} 10th 3.14 2024`;
    // 31 + 10 + th + 3 + 14 + 2024 = 36 words
    assert.deepEqual(spanFilter(text, vocabulary), result([{ text, words: 36, oov: 0 }], 36));
  });

  it('makes `th` of `10th` OOV when the vocabulary lacks it', () => {
    const withoutTh = new Set([...vocabulary].filter((word) => word !== 'th'));
    assert.deepEqual(
      spanFilter(`${vocabWords(32)} 10th`, withoutTh),
      result([{ text: `${vocabWords(32)} 10`, words: 33, oov: 0 }], 34, ['th']),
    );
  });

  it('splits letters from digits inside a word (a1b -> a, 1, b)', () => {
    const text = `${vocabWords(31)} a1a`;
    assert.deepEqual(spanFilter(text, vocabulary), result([{ text, words: 34, oov: 0 }], 34));
  });

  it("splits at an ASCII apostrophe but keeps a curly one inside the word (don't vs don’t)", () => {
    const ascii = `${vocabWords(32)} don't`;
    assert.deepEqual(spanFilter(ascii, vocabulary), result([{ text: ascii, words: 34, oov: 0 }], 34));
    assert.deepEqual(
      spanFilter(`${vocabWords(32)} don’t`, vocabulary),
      result([{ text: vocabWords(32), words: 32, oov: 0 }], 33, ['don’t']),
    );
  });

  it('keeps curly double quotes as part of the word they touch', () => {
    assert.deepEqual(
      spanFilter(`${vocabWords(32)} “the”`, vocabulary),
      result([{ text: vocabWords(32), words: 32, oov: 0 }], 33, ['“the”']),
    );
  });

  it('treats non-ASCII characters as word characters and lower-cases ASCII letters only', () => {
    const text = `${vocabWords(32)} Café`;
    assert.deepEqual(spanFilter(text, vocabulary), result([{ text, words: 33, oov: 0 }], 33));
    assert.deepEqual(
      spanFilter(`${vocabWords(32)} CAFÉ`, vocabulary),
      result([{ text: vocabWords(32), words: 32, oov: 0 }], 33, ['cafÉ']),
    );
  });

  it('reads CRLF line endings as a `\\r` glued to the last word of each line, which is OOV', () => {
    const second = vocabWords(40);
    assert.deepEqual(
      spanFilter(`${vocabWords(40)}\r\n${second}`, vocabulary),
      result(
        [
          { text: vocabWords(39), words: 39, oov: 0 },
          { text: second, words: 40, oov: 0 },
        ],
        80,
        [`${CYCLE[39 % 6]}\r`],
      ),
    );
  });

  it('reads a lone `\\r` (blank CRLF line) as an OOV word', () => {
    assert.deepEqual(
      spanFilter(`${vocabWords(40)}\n\r\n${vocabWords(33)}`, vocabulary),
      result(
        [
          { text: vocabWords(40), words: 40, oov: 0 },
          { text: vocabWords(33), words: 33, oov: 0 },
        ],
        74,
        ['\r'],
      ),
    );
  });
});

describe('spanFilter: sentence starts and trimming', () => {
  it('after a rejection skips to the token after the next `.`, `?`, `!` or newline', () => {
    const kept = vocabWords(40);
    for (const end of ['.', '?', '!']) {
      assert.deepEqual(
        spanFilter(`the cat zebra the cat sat${end} ${kept}`, vocabulary),
        result([{ text: kept, words: 40, oov: 0 }], 46, ['zebra']),
      );
    }
  });

  it('does not treat `,` `;` or `:` as sentence ends', () => {
    assert.deepEqual(spanFilter(`zebra, ${vocabWords(20)}; ${vocabWords(20)}: ${vocabWords(20)}`, vocabulary), result([], 61, ['zebra']));
  });

  it('skips leading spaces and newlines of a span but not tabs or other delimiters', () => {
    const text = vocabWords(33);
    assert.deepEqual(spanFilter(`\n \n  ${text}`, vocabulary), result([{ text, words: 33, oov: 0 }], 33));
    assert.deepEqual(spanFilter(`\t${text}`, vocabulary), result([{ text: `\t${text}`, words: 33, oov: 0 }], 33));
    assert.deepEqual(spanFilter(`"${text}`, vocabulary), result([{ text: `"${text}`, words: 33, oov: 0 }], 33));
  });

  it('trims trailing spaces and newlines, at a rejection and at the end, but not tabs', () => {
    const text = vocabWords(33);
    assert.deepEqual(spanFilter(`${text} \n \n`, vocabulary), result([{ text, words: 33, oov: 0 }], 33));
    assert.deepEqual(spanFilter(`${text} \n zebra`, vocabulary), result([{ text, words: 33, oov: 0 }], 34, ['zebra']));
    assert.deepEqual(spanFilter(`${text}\t`, vocabulary), result([{ text: `${text}\t`, words: 33, oov: 0 }], 33));
  });
});

describe('spanFilter: options', () => {
  const text = 'zebra the cat yak emu the mat, dog ran.';

  it('with minWords 2, maxOovFraction 0.5 and fromSentenceStart false keeps OOV words up to half', () => {
    // zebra: p = 1/max(1, 2) = 0.5, kept; yak: 2/4, kept; emu: 3/5 > 0.5, ends the span,
    // which has 5 > 2 words with emu; the next span opens at `the` right away.
    assert.deepEqual(
      spanFilter(text, vocabulary, { minWords: 2, maxOovFraction: 0.5, fromSentenceStart: false }),
      result(
        [
          { text: 'zebra the cat yak', words: 4, oov: 2 },
          { text: 'the mat, dog ran.', words: 4, oov: 0 },
        ],
        9,
        ['zebra', 'yak', 'emu'],
      ),
    );
  });

  it('with fromSentenceStart true waits for a sentence end after the rejection', () => {
    assert.deepEqual(
      spanFilter(text, vocabulary, { minWords: 2, maxOovFraction: 0.5 }),
      result([{ text: 'zebra the cat yak', words: 4, oov: 2 }], 9, ['zebra', 'yak', 'emu']),
    );
  });

  it('drops the rejecting word: it does not open the next span', () => {
    assert.deepEqual(
      spanFilter('the cat zebra dog ran', vocabulary, { minWords: 1, maxOovFraction: 0, fromSentenceStart: false }),
      result(
        [
          { text: 'the cat', words: 2, oov: 0 },
          { text: 'dog ran', words: 2, oov: 0 },
        ],
        5,
        ['zebra'],
      ),
    );
  });

  it('never emits a span with empty text, even with minWords 0', () => {
    assert.deepEqual(spanFilter('zebra', vocabulary, { minWords: 0, maxOovFraction: 0 }), result([], 1, ['zebra']));
  });

  it('refuses options the rule cannot use', () => {
    assert.throws(() => spanFilter('x', vocabulary, { minWords: -1 }), /minWords must be a non-negative integer, got -1/);
    assert.throws(() => spanFilter('x', vocabulary, { minWords: 2.5 }), /minWords/);
    assert.throws(() => spanFilter('x', vocabulary, { maxOovFraction: Number.NaN }), /maxOovFraction must be a number from 0 to 1/);
    assert.throws(() => spanFilter('x', vocabulary, { maxOovFraction: 1.5 }), /maxOovFraction/);
  });
});

describe('joinSpans', () => {
  it("writes spans the authors' way", () => {
    const spans = [
      { text: 'a b', words: 2, oov: 0 },
      { text: 'c', words: 1, oov: 0 },
    ];
    assert.equal(joinSpans(spans), '<s> a b </s> <s> c </s>');
  });
});
