import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BoundedCounter, CorpusStatistics, zipfCoefficient, type SpanFilterResult } from './index.js';

describe('zipfCoefficient', () => {
  it('is -1 on an exact Zipf distribution', () => {
    const frequencies = Array.from({ length: 5000 }, (_, i) => 1e6 / (i + 1));
    assert.ok(Math.abs((zipfCoefficient(frequencies) as number) + 1) < 1e-9);
  });

  it('is close to -1 on rounded Zipf counts, in any order', () => {
    const counts = Array.from({ length: 1000 }, (_, i) => Math.round(100_000 / (i + 1))).reverse();
    assert.ok(Math.abs((zipfCoefficient(counts) as number) + 1) < 0.01);
  });

  it('is 0 when all frequencies are equal and null below two frequencies', () => {
    assert.equal(zipfCoefficient([4, 4, 4]), 0);
    assert.equal(zipfCoefficient([7]), null);
    assert.equal(zipfCoefficient([]), null);
  });

  it('refuses a frequency that is not positive', () => {
    assert.throws(() => zipfCoefficient([3, 0]), /every frequency must be a positive number, got 0/);
  });
});

describe('BoundedCounter', () => {
  it('counts exactly while under capacity and ranks ties by key', () => {
    const counter = new BoundedCounter(10);
    for (const key of ['b', 'a', 'b', 'c', 'a', 'b']) counter.add(key);
    assert.deepEqual(counter.top(2), [
      { key: 'b', count: 3 },
      { key: 'a', count: 2 },
    ]);
    assert.equal(counter.exact, true);
    assert.equal(counter.maxDroppedCount, 0);
  });

  it('top(n) is the first n of all keys sorted by count, then key', () => {
    const counter = new BoundedCounter(1000);
    for (let i = 0; i < 2000; i++) counter.add(`k${(i * 7919) % 311}`, 1 + (i % 3));
    const all = counter.top(counter.size);
    assert.equal(all.length, counter.size);
    const sorted = [...all].sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
    assert.deepEqual(all, sorted);
    for (const limit of [0, 1, 7, 50]) assert.deepEqual(counter.top(limit), sorted.slice(0, limit));
  });

  it('drops every key at or below the median count when it grows past capacity', () => {
    const counter = new BoundedCounter(4);
    for (const key of ['x', 'x', 'x', 'y', 'y', 'a', 'b', 'c']) counter.add(key); // 5 keys: x3 y2 a1 b1 c1
    assert.deepEqual(counter.top(10), [
      { key: 'x', count: 3 },
      { key: 'y', count: 2 },
    ]);
    assert.equal(counter.exact, false);
    assert.equal(counter.maxDroppedCount, 1);
  });

  it('keeps a frequent key through many prunings of rare ones', () => {
    const counter = new BoundedCounter(100);
    for (let i = 0; i < 10_000; i++) {
      counter.add(`rare-${i}`);
      if (i % 10 === 0) counter.add('frequent');
    }
    assert.ok(counter.size <= 100);
    assert.equal(counter.top(1)[0]?.key, 'frequent');
  });

  it('refuses a capacity below 1', () => {
    assert.throws(() => new BoundedCounter(0), /capacity must be a positive integer, got 0/);
  });
});

function document(spans: [text: string, words: number, oov: number][], wordsIn: number, oovWords: string[]): SpanFilterResult {
  return { spans: spans.map(([text, words, oov]) => ({ text, words, oov })), wordsIn, oovWords };
}

describe('CorpusStatistics', () => {
  it('accumulates documents, words, spans, OOV words and the output word distribution', () => {
    const statistics = new CorpusStatistics({ topOovWords: 2 });
    statistics.add(document([['The cat, the dog.', 4, 0]], 10, ['zebra', 'yak']));
    statistics.add(document([], 5, ['zebra']));
    statistics.add(
      document(
        [
          ['the zebra', 2, 1],
          ['a', 1, 0],
        ],
        5,
        ['zebra', 'emu'],
      ),
    );
    const report = statistics.finish();
    assert.deepEqual(report, {
      documentsIn: 3,
      documentsOut: 2,
      documentRetention: 2 / 3,
      wordsIn: 20,
      wordsOut: 7,
      wordRetention: 7 / 20,
      spans: 3,
      oovWordsOut: 1,
      oovRate: 1 / 7,
      spanLengths: {
        meanWords: 7 / 3,
        maxWords: 4,
        bins: [
          { minWords: 0, maxWords: 0, spans: 0 },
          { minWords: 1, maxWords: 1, spans: 1 },
          { minWords: 2, maxWords: 3, spans: 1 },
          { minWords: 4, maxWords: 7, spans: 1 },
        ],
      },
      // the x3, cat, dog, zebra, a
      types: 5,
      typeTokenRatio: 5 / 7,
      zipfCoefficient: zipfCoefficient([3, 1, 1, 1, 1]),
      wordCountsExact: true,
      oovWordsSeen: 5,
      topOovWords: [
        { word: 'zebra', count: 3 },
        { word: 'emu', count: 1 },
      ],
      oovCountsExact: true,
    });
  });

  it('reports zeros, not NaN, for an empty corpus', () => {
    const report = new CorpusStatistics().finish();
    assert.equal(report.wordRetention, 0);
    assert.equal(report.oovRate, 0);
    assert.equal(report.typeTokenRatio, 0);
    assert.equal(report.zipfCoefficient, null);
    assert.deepEqual(report.spanLengths.bins, []);
  });

  it('says when the OOV counts stopped being exact', () => {
    const statistics = new CorpusStatistics({ oovCounterCapacity: 3 });
    // The fourth distinct word prunes all four (all at the median count 1), so the first `a`
    // is forgotten: after pruning, counts are lower bounds.
    statistics.add(document([], 10, ['a', 'b', 'c', 'd', 'a', 'a']));
    const report = statistics.finish();
    assert.equal(report.oovCountsExact, false);
    assert.deepEqual(report.topOovWords, [{ word: 'a', count: 2 }]);
  });
});
