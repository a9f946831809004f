import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CorpusStatistics, WordTable, spanFilter, spanFilterBytes } from '@downscale/simplify';
import { ShardStatisticsBuilder, mergeShardStatistics, type ShardStatistics } from './shard-statistics.js';
import { TEST_VOCABULARY, generatedText, seededRandom } from './testing.js';

// Lenient enough that spans keep OOV words, so their counting is compared too.
const FILTER = { minWords: 6, maxOovFraction: 0.3 };

describe('mergeShardStatistics', () => {
  const random = seededRandom(7);
  // Some documents also carry numbers, non-ASCII words (kept as OOV once a span is long) and an OOV word in capitals.
  const extras = ' Café 12 then 7th of ZEBRA naïve and 日本 the 2024.';
  const documents = Array.from({ length: 40 }, (_, i) => ({
    text: generatedText(random, 5 + (i % 9)) + (i % 4 === 1 ? extras.repeat(1 + (i % 3)) : ''),
    subset: i % 3 === 0 ? 'web' : undefined,
  }));
  const results = documents.map((document) => spanFilter(document.text, TEST_VOCABULARY, FILTER));
  const table = WordTable.fromWords(TEST_VOCABULARY);
  const byteResults = documents.map((document) => {
    const bytes = Buffer.from(document.text);
    return { bytes, result: spanFilterBytes(bytes, table, FILTER) };
  });

  function shardsOf(size: number): ShardStatistics[] {
    const shards: ShardStatistics[] = [];
    for (let start = 0; start < results.length; start += size) {
      const builder = new ShardStatisticsBuilder(table);
      byteResults.slice(start, start + size).forEach(({ bytes, result }, offset) => builder.add(result, bytes, documents[start + offset]?.subset));
      shards.push(builder.finish());
    }
    return shards;
  }

  it('agrees with simplify CorpusStatistics over the same documents, however they are sharded', () => {
    const reference = new CorpusStatistics();
    for (const result of results) reference.add(result);
    const expected = reference.finish();
    assert.ok(expected.spans > 10, 'the generated corpus should yield spans');
    assert.ok(expected.oovWordsOut > 10, 'some OOV words should be kept in spans');
    for (const size of [1, 7, 40]) {
      const { subsets, badRecords, ...merged } = mergeShardStatistics(shardsOf(size));
      assert.deepEqual(merged, expected, `shards of ${size} documents`);
      assert.deepEqual(Object.keys(subsets), ['(none)', 'web']);
      assert.deepEqual(badRecords, { count: 0, examples: [] });
    }
  });

  it('reports retention per source subset', () => {
    const { subsets } = mergeShardStatistics(shardsOf(5));
    const web = results.filter((_, i) => documents[i]?.subset === 'web');
    const wordsIn = web.reduce((sum, result) => sum + result.wordsIn, 0);
    const wordsOut = web.reduce((sum, result) => sum + result.spans.reduce((s, span) => s + span.words, 0), 0);
    assert.equal(subsets.web?.documentsIn, web.length);
    assert.equal(subsets.web?.wordsIn, wordsIn);
    assert.equal(subsets.web?.wordsOut, wordsOut);
    assert.equal(subsets.web?.wordRetention, wordsOut / wordsIn);
  });
});
