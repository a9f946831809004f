/** A worker thread of the filter pool: runs the shards it is sent (see filter-pool.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { runShard } from './shard.js';
import type { FilterWorkerData, FilterWorkerJob, FilterWorkerReply } from './filter-pool.js';

const { words } = workerData as FilterWorkerData;
const vocabulary: ReadonlySet<string> = new Set(words);
const port = parentPort;
if (!port) throw new Error('filter-worker.js must run as a worker thread of FilterPool');

port.on('message', (job: FilterWorkerJob) => {
  runShard(job, vocabulary, job.filterOptions, job.outDir).then(
    (stats): void => port.postMessage({ index: job.index, stats } satisfies FilterWorkerReply),
    (error: Error): void => port.postMessage({ index: job.index, error: `${error.message}\n${error.stack ?? ''}` } satisfies FilterWorkerReply),
  );
});
