/**
 * Merges the statistics of a run's shards in shard order while the run goes on, so that they
 * are neither all held in memory nor all read back from their files at the end (the merge
 * result depends on the order, which is always shard order). A shard written by this run is
 * merged from memory as soon as every earlier shard is; a shard finished by an earlier run,
 * or one that waited while more than MAX_WAITING others did, is read from its stats file.
 */
import { readFile } from 'node:fs/promises';
import { shardFiles } from './shard.js';
import { ShardStatisticsMerger, type MergeStatisticsOptions, type MergedStatistics, type ShardStatistics } from './shard-statistics.js';

/** Statistics held for shards that wait for an earlier one; the others are read back later. */
const MAX_WAITING = 16;

export class OrderedShardMerge {
  private readonly merger: ShardStatisticsMerger;
  private readonly done: Set<number>;
  private readonly waiting = new Map<number, ShardStatistics>();
  private next = 0;
  /** The merging so far; merging steps run one after another. */
  private merging: Promise<void> = Promise.resolve();
  private failure: { readonly error: unknown } | undefined;

  /** `finished`: the shards an earlier run finished, whose stats files exist. */
  constructor(
    private readonly outDir: string,
    private readonly shards: number,
    finished: ReadonlySet<number>,
    options: MergeStatisticsOptions | undefined,
  ) {
    this.merger = new ShardStatisticsMerger(options);
    this.done = new Set(finished);
  }

  /** Shard `index` has been written (its stats file too) with these statistics. */
  written(index: number, stats: ShardStatistics): void {
    this.done.add(index);
    if (this.waiting.size < MAX_WAITING) this.waiting.set(index, stats);
    this.merging = this.merging.then(() => this.mergeReady()).catch((error: unknown) => void (this.failure ??= { error }));
  }

  /** The merged statistics of all shards; call it once every shard is written. */
  async finish(): Promise<MergedStatistics> {
    await this.merging;
    if (this.failure) throw this.failure.error;
    await this.mergeReady();
    if (this.next !== this.shards) throw new Error(`OrderedShardMerge: shard ${this.next} of ${this.shards} was never written`);
    return this.merger.finish();
  }

  /** Merges the shards that are done, in order, up to the first one that is not. */
  private async mergeReady(): Promise<void> {
    while (this.next < this.shards && this.done.has(this.next)) {
      const index = this.next;
      const stats = this.waiting.get(index) ?? (JSON.parse(await readFile(shardFiles(this.outDir, index).stats, 'utf8')) as ShardStatistics);
      this.waiting.delete(index);
      this.merger.add(stats);
      this.next = index + 1;
    }
  }
}
