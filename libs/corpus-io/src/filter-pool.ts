/**
 * Runs shards on worker threads, one shard at a time per worker, and resolves each shard's
 * promise with its statistics. Which worker runs a shard does not matter: a shard's output
 * depends only on its documents. A pool can serve many runs with its vocabulary (a service
 * keeps one, so that its workers stay started and compiled).
 */
import { Worker } from 'node:worker_threads';
import { CorpusReadError, type RecordPlace } from './documents.js';
import { vocabularyHash } from './manifest.js';
import { unpackShardStatistics, type PackedShardStatistics, type ShardStatistics } from './shard-statistics.js';
import type { ShardJob } from './shard.js';

export interface FilterWorkerData {
  readonly words: string[];
}

export type FilterWorkerReply =
  | { readonly index: number; readonly stats: PackedShardStatistics }
  | { readonly index: number; readonly readError: { readonly place: RecordPlace; readonly problem: string } }
  | { readonly index: number; readonly error: string };

interface Settle {
  readonly resolve: (stats: ShardStatistics) => void;
  readonly reject: (error: Error) => void;
}

interface Queued extends Settle {
  readonly job: ShardJob;
}

export class FilterPool {
  private readonly idle: Worker[] = [];
  /** Running shards: only how to settle them, so that their documents can be collected. */
  private readonly busy = new Map<Worker, Settle>();
  private readonly queue: Queued[] = [];
  private failure: Error | undefined;

  /** Hash of the vocabulary the workers filter with (see vocabularyHash). */
  readonly vocabularySha256: string;

  constructor(
    readonly size: number,
    vocabulary: ReadonlySet<string>,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`FilterPool: size must be a positive integer, got ${size}`);
    this.vocabularySha256 = vocabularyHash(vocabulary);
    const workerData: FilterWorkerData = { words: [...vocabulary] };
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL('./filter-worker.js', import.meta.url), { workerData });
      worker.on('message', (reply: FilterWorkerReply) => this.settle(worker, reply));
      worker.on('error', (error) => this.fail(worker, error));
      worker.on('exit', (code) => {
        if (this.busy.has(worker)) this.fail(worker, new Error(`a filter worker exited with code ${code} during a shard`));
      });
      this.idle.push(worker);
    }
  }

  /** Runs `job` on the next free worker. */
  run(job: ShardJob): Promise<ShardStatistics> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every worker; call it once no shard is in progress. */
  async close(): Promise<void> {
    await Promise.all([...this.idle, ...this.busy.keys()].map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop() as Worker;
      const { job, resolve, reject } = this.queue.shift() as Queued;
      this.busy.set(worker, { resolve, reject });
      worker.postMessage(job);
    }
  }

  private settle(worker: Worker, reply: FilterWorkerReply): void {
    const pending = this.busy.get(worker);
    this.busy.delete(worker);
    this.idle.push(worker);
    if (pending) {
      if ('stats' in reply) pending.resolve(unpackShardStatistics(reply.stats));
      else if ('readError' in reply) pending.reject(new CorpusReadError(reply.readError.place, reply.readError.problem));
      else pending.reject(new Error(`filter worker failed on shard ${reply.index}: ${reply.error}`));
    }
    this.dispatch();
  }

  private fail(worker: Worker, error: Error): void {
    this.failure ??= error;
    this.busy.get(worker)?.reject(error);
    this.busy.delete(worker);
    for (const queued of this.queue.splice(0)) queued.reject(error);
  }
}
