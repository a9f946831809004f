import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { jobSubjects, type CorpusJob, type CorpusShardJob } from '@downscale/contracts';
import { CorpusReadError, FilterPool, shardFiles, vocabularyHash, writeFileAtomic, type ShardJob, type ShardStatistics } from '@downscale/corpus-io';
import { streamNames, type EventPublisher } from '@downscale/messaging';
import { resolveVocabulary } from '@downscale/simplify';
import { ConsumerHost, EVENT_PUBLISHER, LOGGER } from '@downscale/service-kit';
import type { Logger } from 'pino';
import type { CorpusSettings } from './settings.js';

export const CORPUS_SETTINGS = Symbol('CORPUS_SETTINGS');

/** How often the replica building a corpus looks for its shards' files. */
const POLL_MS = 200;

/** A shard that no replica can filter: the corpus job fails with this reason. */
class ShardRefused extends Error {}

/**
 * The shards of simplified corpora on the JOBS work queue, so that every corpus-service
 * replica filters part of a large corpus. The replica building a corpus enqueues its shards
 * and waits for their files on the shared artifact volume; every replica, that one included,
 * takes shard jobs (CORPUS_SHARD_WORKERS at once, on filter threads) and writes them there.
 * A shard's files are written atomically and a finished shard is not filtered again, so a
 * redelivered or repeated shard job is harmless.
 */
@Injectable()
export class CorpusShards implements OnApplicationBootstrap, OnApplicationShutdown {
  /** Filter threads by vocabulary hash, kept warm across shards and corpora. */
  private readonly pools = new Map<string, Promise<FilterPool>>();
  private written = 0;

  constructor(
    private readonly consumers: ConsumerHost,
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CORPUS_SETTINGS) readonly settings: CorpusSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // One pull loop per filter thread: each takes one shard at a time.
    for (let loop = 0; loop < this.settings.shardWorkers; loop++) {
      await this.consumers.consume({
        stream: streamNames.jobs,
        durable: 'corpus-shards',
        subjects: [jobSubjects.corpusShard],
        exactlyOnce: false,
        handler: async (envelope) => this.filter(envelope.payload),
      });
    }
  }

  /** Shards this replica has filtered and written since it started. */
  get shardsWritten(): number {
    return this.written;
  }

  async onApplicationShutdown(): Promise<void> {
    const pools = await Promise.allSettled(this.pools.values());
    await Promise.all(pools.map((pool) => (pool.status === 'fulfilled' ? pool.value.close() : undefined)));
  }

  /**
   * simplifyCorpus's `runShard` for `job`: enqueues each shard and resolves with its
   * statistics once its files exist, whichever replica wrote them.
   */
  runner(job: CorpusJob, words: ReadonlySet<string>, signal?: AbortSignal): (shard: ShardJob) => Promise<ShardStatistics> {
    const vocabularySha256 = vocabularyHash(words);
    return async (shard) => {
      const { minWords, maxOovFraction, fromSentenceStart } = shard.filterOptions;
      const message: CorpusShardJob = {
        jobId: job.jobId,
        index: shard.index,
        files: shard.files.map(({ path, format }) => ({ path, format })),
        outDir: shard.outDir,
        filter: { minWords: minWords!, maxOovFraction: maxOovFraction!, fromSentenceStart: fromSentenceStart! },
        skipBad: shard.skipBad,
        vocabulary: job.vocabulary,
        vocabularySha256,
      };
      const build = createHash('sha256').update(shard.outDir).digest('hex').slice(0, 16);
      await this.publisher.publish(jobSubjects.corpusShard, message, { id: `corpus-shard:${build}:${shard.index}` });
      return this.finished(shard, signal);
    };
  }

  /** Waits for a shard's stats file (written last) or its error file. */
  private async finished(shard: ShardJob, signal?: AbortSignal): Promise<ShardStatistics> {
    const { stats, error } = shardFiles(shard.outDir, shard.index);
    for (;;) {
      if (existsSync(stats)) return JSON.parse(await readFile(stats, 'utf8')) as ShardStatistics;
      if (existsSync(error)) throw new Error((JSON.parse(await readFile(error, 'utf8')) as { error: string }).error);
      signal?.throwIfAborted();
      await sleep(POLL_MS);
    }
  }

  /** One shard job: filters and writes the shard, unless it is written already. */
  private async filter(shard: CorpusShardJob): Promise<void> {
    if (existsSync(shardFiles(shard.outDir, shard.index).stats)) return;
    const log = this.logger.child({ jobId: shard.jobId, shard: shard.index });
    try {
      const pool = await this.pool(shard);
      await pool.run({ index: shard.index, files: shard.files, filterOptions: shard.filter, outDir: shard.outDir, skipBad: shard.skipBad });
      this.written++;
      log.debug('shard written');
    } catch (error) {
      if (!(error instanceof CorpusReadError || error instanceof ShardRefused)) {
        // A filter thread died or the volume failed: fresh threads next time, and the job comes back.
        const broken = this.pools.get(shard.vocabularySha256);
        this.pools.delete(shard.vocabularySha256);
        void broken?.then((pool) => pool.close()).catch(() => undefined);
        throw error;
      }
      log.warn({ err: error }, 'shard cannot be filtered; the corpus job fails with the reason');
      await writeFileAtomic(shardFiles(shard.outDir, shard.index).error, JSON.stringify({ error: `shard ${shard.index}: ${error.message}` }));
    }
  }

  /** The filter threads of the shard's vocabulary, refusing a vocabulary that resolves to other words here. */
  private pool(shard: CorpusShardJob): Promise<FilterPool> {
    let pool = this.pools.get(shard.vocabularySha256);
    if (!pool) {
      pool = resolveVocabulary(shard.vocabulary).then(({ words }) => {
        const sha256 = vocabularyHash(words);
        if (sha256 !== shard.vocabularySha256) {
          throw new ShardRefused(`vocabulary ${shard.vocabulary} has other words on this replica (sha256 ${sha256}, the corpus job's is ${shard.vocabularySha256}); give every replica the same file`);
        }
        return new FilterPool(this.settings.shardWorkers, words);
      });
      pool.catch(() => this.pools.delete(shard.vocabularySha256));
      this.pools.set(shard.vocabularySha256, pool);
    }
    return pool;
  }
}
