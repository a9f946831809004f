import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CorpusStatistics, WordTable, asciiLowerCase, spanFilter, spanFilterBytes, wordTokens } from '@downscale/simplify';
import { ShardStatisticsBuilder, mergeShardStatistics, packShardStatistics, unpackShardStatistics, type ShardStatistics } from './shard-statistics.js';
import type { DocumentLabel } from './span-lines.js';
import { SPAN_SAMPLE_SIZE } from './span-samples.js';
import { TEST_VOCABULARY, generatedText, seededRandom } from './testing.js';

// Lenient enough that spans keep OOV words, so their counting is compared too.
const FILTER = { minWords: 6, maxOovFraction: 0.3 };

describe('mergeShardStatistics', () => {
  const random = seededRandom(7);
  // Some documents also carry numbers, non-ASCII words (kept as OOV once a span is long) and an OOV word in capitals.
  const extras = ' Café 12 then 7th of ZEBRA naïve and 日本 the 2024.';
  const documents = Array.from({ length: 40 }, (_, i) => ({
    id: `doc-${i}`,
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
      byteResults.slice(start, start + size).forEach(({ bytes, result }, offset) => builder.add(result, bytes, documents[start + offset] as DocumentLabel));
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
      const { subsets, badRecords, topWords, spanSamples, ...merged } = mergeShardStatistics(shardsOf(size));
      assert.deepEqual(merged, expected, `shards of ${size} documents`);
      assert.deepEqual(Object.keys(subsets), ['(none)', 'web']);
      assert.deepEqual(badRecords, { count: 0, examples: [] });
    }
  });

  it('travels between threads packed and arrives unchanged, with and without counts', () => {
    const [shard] = shardsOf(40);
    const empty = new ShardStatisticsBuilder(table).finish();
    for (const stats of [shard!, empty]) {
      const packed = packShardStatistics(stats);
      assert.equal(packed.wordCounts.length, stats.wordCounts.length);
      assert.deepEqual(unpackShardStatistics(structuredClone(packed)), stats);
    }
    assert.ok(shard!.wordCounts.length > 20 && shard!.oovCounts.length > 0, 'the shard has words and OOV words to pack');
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

  it('reports the most frequent output words with the counts of a direct count over the spans', () => {
    const direct = new Map<string, number>();
    for (const result of results) {
      for (const span of result.spans) for (const word of wordTokens(span.text)) direct.set(asciiLowerCase(word), (direct.get(asciiLowerCase(word)) ?? 0) + 1);
    }
    const expected = [...direct].map(([word, count]) => ({ word, count })).sort((a, b) => b.count - a.count || (a.word < b.word ? -1 : 1));
    assert.ok(expected.length > 20, 'enough word types to cut the list');
    for (const size of [1, 7, 40]) assert.deepEqual(mergeShardStatistics(shardsOf(size)).topWords, expected, `shards of ${size} documents`);
    assert.deepEqual(mergeShardStatistics(shardsOf(7), { topWords: 10 }).topWords, expected.slice(0, 10));
    assert.throws(() => mergeShardStatistics([], { topWords: 1.5 }), /topWords must be a non-negative integer, got 1.5/);
  });

  it('samples the same spans however the documents are sharded, from across the corpus', () => {
    const samples = mergeShardStatistics(shardsOf(1)).spanSamples;
    assert.equal(samples.length, SPAN_SAMPLE_SIZE);
    for (const size of [7, 40]) assert.deepEqual(mergeShardStatistics(shardsOf(size)).spanSamples, samples, `shards of ${size} documents`);
    // In corpus order, each the text of a span its document yields.
    const order = samples.map((sample) => Number(sample.doc.slice('doc-'.length)));
    assert.deepEqual(order, [...order].sort((a, b) => a - b));
    for (const sample of samples) {
      const spans = results[Number(sample.doc.slice('doc-'.length))]?.spans ?? [];
      assert.ok(spans.some((span) => span.text === sample.text && span.words === sample.words), `${sample.doc}: ${sample.text}`);
    }
    assert.ok((order[order.length - 1] as number) - (order[0] as number) >= 20, `spread over the 40 documents, not their first spans: ${order.join(' ')}`);
  });

  it('merges a shard stored before span samples were (resumed builds) as one without samples', () => {
    const shards = shardsOf(20);
    const [first, second] = shards as [ShardStatistics, ShardStatistics];
    const { spanSamples: _dropped, ...older } = first;
    const merged = mergeShardStatistics([JSON.parse(JSON.stringify(older)) as ShardStatistics, second]);
    assert.deepEqual(merged.spanSamples, mergeShardStatistics([{ ...first, spanSamples: [] }, second]).spanSamples);
    assert.ok(merged.spanSamples.length > 0);
    assert.ok(merged.spanSamples.every((sample) => Number(sample.doc.slice('doc-'.length)) >= 20), 'only the newer shard is sampled');
    assert.equal(merged.wordsOut, mergeShardStatistics(shards).wordsOut);
  });
});
