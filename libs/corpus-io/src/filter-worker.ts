/** A worker thread of the filter pool: runs the shards it is sent (see filter-pool.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { WordTable } from '@downscale/simplify';
import { CorpusReadError } from './documents.js';
import { packShardStatistics } from './shard-statistics.js';
import { runShard, type ShardJob } from './shard.js';
import type { FilterWorkerData, FilterWorkerReply } from './filter-pool.js';

const { words } = workerData as FilterWorkerData;
const vocabulary = WordTable.fromWords(words);
const port = parentPort;
if (!port) throw new Error('filter-worker.js must run as a worker thread of FilterPool');

port.on('message', (job: ShardJob) => {
  runShard(job, vocabulary).then(
    (stats): void => {
      const packed = packShardStatistics(stats);
      port.postMessage({ index: job.index, stats: packed } satisfies FilterWorkerReply, [packed.wordCounts.buffer as ArrayBuffer, packed.oovCounts.buffer as ArrayBuffer]);
    },
    (error: Error): void => {
      // A bad record is rebuilt as a CorpusReadError in the main thread; anything else travels as text.
      const reply: FilterWorkerReply =
        error instanceof CorpusReadError
          ? { index: job.index, readError: { place: error.place, problem: error.problem } }
          : { index: job.index, error: `${error.message}\n${error.stack ?? ''}` };
      port.postMessage(reply);
    },
  );
});
