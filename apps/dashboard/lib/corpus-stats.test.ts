import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rankFrequency, readCorpusStats, spanParts } from './corpus-stats.js';

test('a simplified corpus: retention, OOV rate, span lengths and top OOV words as stored', () => {
  const view = readCorpusStats({
    documentsIn: 10,
    documentsOut: 8,
    wordsIn: 1_000,
    wordsOut: 600,
    wordRetention: 0.6,
    oovRate: 0.005,
    spanLengths: { meanWords: 40, maxWords: 70, bins: [{ minWords: 32, maxWords: 63, spans: 12 }, { minWords: 64, maxWords: 127, spans: 3 }, { bad: true }] },
    topOovWords: [{ word: 'zebra', count: 2 }, { word: 'quasar', count: 5 }, { word: 7 }],
    subsets: { books: { documentsIn: 10, documentsOut: 8, wordsIn: 1_000, wordsOut: 600, wordRetention: 0.6 } },
    tokens: 900,
    tokenizer: { vocabSize: 2_048 },
  });
  assert.equal(view.documentRetention, 0.8, 'derived when absent');
  assert.equal(view.wordRetention, 0.6);
  assert.equal(view.spanLengthBins.length, 2, 'a malformed bin is left out');
  assert.deepEqual(view.topOovWords.map((w) => w.word), ['zebra', 'quasar']);
  assert.deepEqual(rankFrequency(view.topOovWords), [{ x: 1, y: 5 }, { x: 2, y: 2 }]);
  assert.equal(view.subsets[0]?.wordRetention, 0.6);
  assert.equal(view.tokenizerVocabSize, 2_048);
});

test('a regular corpus: documents and words in = out, the budget, no OOV figures', () => {
  const view = readCorpusStats({ documents: 4, words: 600, budget: { unit: 'words', limit: 600 }, used: 600, budgetReached: true, subsets: { '(none)': { documents: 4, words: 600 } } });
  assert.equal(view.wordRetention, 1);
  assert.equal(view.oovRate, null);
  assert.deepEqual(view.budget, { used: 600, limit: 600, unit: 'words', reached: true });
  assert.equal(view.subsets[0]?.wordRetention, null, 'a regular subset has no retention');
});

test('anything else is empty, not an error', () => {
  for (const raw of [null, 'text', [1], { spanLengths: 3, topOovWords: 'x' }]) {
    const view = readCorpusStats(raw);
    assert.equal(view.wordsOut, null);
    assert.deepEqual(view.spanLengthBins, []);
    assert.deepEqual(view.topOovWords, []);
  }
});

test('top words and span samples as stored, OOV words apart from the text between them', () => {
  const text = 'The cat saw a 日本 dog 😀 and the zebra';
  const at = (word: string) => [text.indexOf(word), text.indexOf(word) + word.length];
  const view = readCorpusStats({
    topWords: [{ word: 'the', count: 90 }, { word: 'cat', count: 40 }, { word: 3, count: 1 }],
    spanSamples: [
      { doc: 'a.txt', text, truncated: false, words: 10, oovRanges: [at('日本'), at('😀')], endingOovWord: 'Quasar' },
      { doc: 'b.txt', text: 'A dog sat.', truncated: true, words: 3, oovRanges: [], endingOovWord: null },
      { doc: 'no text' },
    ],
  });
  assert.deepEqual(view.topWords, [{ word: 'the', count: 90 }, { word: 'cat', count: 40 }], 'a malformed word is left out');
  assert.deepEqual(view.spanSamples, [
    {
      doc: 'a.txt',
      parts: [
        { text: 'The cat saw a ', oov: false },
        { text: '日本', oov: true },
        { text: ' dog ', oov: false },
        { text: '😀', oov: true },
        { text: ' and the zebra', oov: false },
      ],
      truncated: false,
      words: 10,
      endingOovWord: 'Quasar',
    },
    { doc: 'b.txt', parts: [{ text: 'A dog sat.', oov: false }], truncated: true, words: 3, endingOovWord: null },
  ]);
});

test('a corpus built before top words and samples were stored has none (null), unlike one with no spans ([])', () => {
  const older = readCorpusStats({ wordsOut: 10, zipfCoefficient: -1 });
  assert.equal(older.topWords, null);
  assert.equal(older.spanSamples, null);
  const empty = readCorpusStats({ wordsOut: 0, topWords: [], spanSamples: [] });
  assert.deepEqual(empty.topWords, []);
  assert.deepEqual(empty.spanSamples, []);
});

test('span parts: a bad OOV range leaves the text whole and that word unmarked', () => {
  const text = 'one two three';
  for (const ranges of [[[4, 99]], [[4, 2]], [[-1, 3]], [['4', '7']], [[4.5, 7]], ['x'], [[4]]]) {
    assert.deepEqual(spanParts(text, ranges), [{ text, oov: false }], JSON.stringify(ranges));
  }
  // Overlapping or out-of-order ranges: the first is kept.
  assert.deepEqual(spanParts(text, [[4, 7], [5, 13], [0, 3]]), [
    { text: 'one ', oov: false },
    { text: 'two', oov: true },
    { text: ' three', oov: false },
  ]);
  assert.deepEqual(spanParts(text, [[0, 3], [8, 13]]).map((part) => part.oov), [true, false, true]);
});
