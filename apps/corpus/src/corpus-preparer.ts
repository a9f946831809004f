import { Inject, Injectable } from '@nestjs/common';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArtifactStore } from '@downscale/artifacts';
import { corpusProgress, eventSubjects, progressSubjects, type CorpusJob, type CorpusProgress, type CorpusReady } from '@downscale/contracts';
import type { EventPublisher } from '@downscale/messaging';
import { resolveVocabulary } from '@downscale/simplify';
import { vocabularyHash } from '@downscale/corpus-io';
import { ARTIFACT_STORE, EVENT_PUBLISHER, LOGGER, NATS_CONNECTION, DATA_SOURCE } from '@downscale/service-kit';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { buildCorpus, TOKENIZER_FILE, TOKENS_FILE } from './corpus-builder.js';
import { CorpusShards } from './corpus-shards.js';
import { corpusContentHash, corpusInputFiles } from './corpus-inputs.js';
import { findPreparedCorpus, savePreparedCorpus, type PreparedCorpus } from './corpus-records.js';

/**
 * Does one corpus job: reuses a corpus prepared from the same inputs and settings, or builds
 * it (resuming an interrupted build), stores it in the artifact store and the database, and
 * publishes corpus.ready. Progress goes to core NATS for live views.
 */
@Injectable()
export class CorpusPreparer {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(ARTIFACT_STORE) private readonly artifacts: ArtifactStore,
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly shards: CorpusShards,
  ) {}

  async prepare(job: CorpusJob, signal?: AbortSignal): Promise<CorpusReady> {
    // Progress is for live views: a message that cannot be sent never fails the job.
    const progress = (update: Omit<CorpusProgress, 'jobId'>) => {
      const message = corpusProgress.safeParse({ jobId: job.jobId, ...update });
      if (!message.success) return this.logger.warn({ update }, 'progress message does not match its contract; not sent');
      if (!this.nc.isClosed()) this.nc.publish(progressSubjects.corpus(job.jobId), JSON.stringify(message.data));
    };
    // On the artifact volume, which every replica mounts: the shards are filtered by all of them.
    const work = join(this.artifacts.root, 'work');
    const vocabulary = job.variant === 'simplified' ? await resolveVocabulary(job.vocabulary) : undefined;
    const files = await corpusInputFiles(job.source, join(work, 'inputs'));
    const contentHash = await corpusContentHash(job, files, vocabulary);
    const log = this.logger.child({ jobId: job.jobId, variant: job.variant, contentHash });

    const known = await findPreparedCorpus(this.dataSource, contentHash);
    if (known && (await this.artifacts.exists(known.corpus.uri!))) {
      log.info('corpus prepared earlier from the same inputs and settings: reused');
      progress({ phase: 'reused', documentsRead: 0 });
      return this.announce(job, contentHash, known);
    }

    const buildDir = join(work, 'corpora', contentHash);
    await mkdir(buildDir, { recursive: true });
    log.info({ files: files.length }, 'preparing corpus');
    const built = await buildCorpus(job, files, vocabulary, buildDir, {
      ...(vocabulary ? { runShard: this.shards.runner(job, vocabulary.words, signal) } : {}),
      shardBytes: this.shards.settings.shardBytes,
      ...(signal ? { signal } : {}),
      onProgress: (p) => progress(p),
    });
    signal?.throwIfAborted(); // the last point to stop: from here the corpus is stored and announced
    progress({ phase: 'storing', documentsRead: built.documentsOut });
    await writeFile(join(buildDir, TOKENIZER_FILE), JSON.stringify(built.tokenizer.toJSON()));
    const key = `corpora/${contentHash}`;
    const uri = await this.artifacts.importDirectory(key, buildDir);
    const tokenizerKey = `${key}/${TOKENIZER_FILE}`;
    const stats = {
      ...built.stats,
      tokens: built.tokens.tokens,
      tokenFile: TOKENS_FILE,
      tokenizer: { vocabSize: built.tokenizer.vocabSize },
    };
    const prepared = await savePreparedCorpus(this.dataSource, {
      job,
      contentHash,
      vocabulary: vocabulary ? { name: job.vocabulary, wordCount: vocabulary.words.size, contentHash: vocabularyHash(vocabulary.words) } : undefined,
      uri,
      stats,
      tokenizer: { uri: this.artifacts.uri(tokenizerKey), sha256: await this.artifacts.sha256(tokenizerKey), vocabSize: built.tokenizer.vocabSize },
    });
    await rm(buildDir, { recursive: true, force: true });
    log.info({ wordsOut: built.wordsOut, tokens: built.tokens.tokens }, 'corpus ready');
    progress({ phase: 'done', documentsRead: built.documentsOut });
    return this.announce(job, contentHash, prepared);
  }

  private async announce(job: CorpusJob, contentHash: string, { corpus, tokenizer }: PreparedCorpus): Promise<CorpusReady> {
    const stats = corpus.stats ?? {};
    const count = (name: string) => (typeof stats[name] === 'number' ? (stats[name] as number) : 0);
    const ready: CorpusReady = {
      corpusId: corpus.id,
      ...(job.experimentId ? { experimentId: job.experimentId } : {}),
      variant: job.variant,
      contentHash,
      tokenizerId: tokenizer.id,
      vocabSize: tokenizer.vocabSize,
      uri: corpus.uri!,
      stats: {
        documentsIn: count('documentsIn') || count('documents'),
        documentsOut: count('documentsOut') || count('documents'),
        wordsIn: count('wordsIn') || count('words'),
        wordsOut: count('wordsOut') || count('words'),
        tokens: count('tokens'),
      },
    };
    await this.publisher.publish(eventSubjects.corpusReady, ready, { id: `corpus-ready:${job.jobId}:${corpus.id}` });
    return ready;
  }
}
