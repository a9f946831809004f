import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rankFrequency, readCorpusStats } from './corpus-stats.js';

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
