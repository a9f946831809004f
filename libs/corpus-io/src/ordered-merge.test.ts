import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { WordTable, spanFilterBytes } from '@downscale/simplify';
import { OrderedShardMerge } from './ordered-merge.js';
import { SHARDS_FOLDER, shardFiles } from './shard.js';
import { ShardStatisticsBuilder, mergeShardStatistics, type ShardStatistics } from './shard-statistics.js';
import { TEST_VOCABULARY, generatedText, seededRandom, temporaryFolder } from './testing.js';

describe('OrderedShardMerge', () => {
  it('merges shards written in any order, some resumed from files, as one in-order merge', async () => {
    const random = seededRandom(3);
    const table = WordTable.fromWords(TEST_VOCABULARY);
    const shards: ShardStatistics[] = Array.from({ length: 40 }, (_, shard) => {
      const builder = new ShardStatisticsBuilder(table);
      for (let d = 0; d < 3; d++) {
        const bytes = Buffer.from(generatedText(random, 8));
        builder.add(spanFilterBytes(bytes, table, { minWords: 4 }), bytes, { id: `${shard}-${d}` });
      }
      return builder.finish();
    });
    const folder = await temporaryFolder();
    try {
      await mkdir(`${folder.path}/${SHARDS_FOLDER}`);
      for (const [index, stats] of shards.entries()) await writeFile(shardFiles(folder.path, index).stats, JSON.stringify(stats));
      const resumed = new Set([0, 5, 6]);
      const merge = new OrderedShardMerge(folder.path, shards.length, resumed, undefined);
      // Backwards: every shard but the first waits, more than are held in memory.
      for (let index = shards.length - 1; index >= 0; index--) if (!resumed.has(index)) merge.written(index, shards[index] as ShardStatistics);
      assert.deepEqual(await merge.finish(), mergeShardStatistics(shards));
    } finally {
      await folder.remove();
    }
  });

  it('refuses to finish while a shard is missing', async () => {
    const merge = new OrderedShardMerge('/nonexistent', 2, new Set(), undefined);
    await assert.rejects(merge.finish(), /shard 0 of 2 was never written/);
  });
});
