import { Controller, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import {
  eventSubjects,
  jobSubjects,
  prepareCorpusRequest,
  progressSubjects,
  rpcSubjects,
  type CorpusJob,
  type ExperimentCreated,
  type PayloadInput,
  type PrepareCorpusReply,
} from '@downscale/contracts';
import { streamNames, type EventPublisher } from '@downscale/messaging';
import { ConsumerHost, EVENT_PUBLISHER, LOGGER } from '@downscale/service-kit';
import type { Logger } from 'pino';
import { CorpusPreparer } from './corpus-preparer.js';

/** Job ids of an experiment's corpora: derived, so that a redelivered event enqueues nothing new. */
export const experimentCorpusJobId = (experimentId: string, variant: CorpusJob['variant']) => `${experimentId}-${variant}`;

/**
 * The corpus service's work: corpus jobs from the JOBS work queue (shared by all replicas),
 * the two corpora of each new experiment (the simplified one first: its size caps the
 * regular control), and the `rpc.corpus.prepare` command that enqueues a job.
 */
@Injectable()
export class CorpusJobs implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: ConsumerHost,
    private readonly preparer: CorpusPreparer,
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Preparation is idempotent by content hash, so no ledger: a redelivered job reuses the result.
    await this.consumers.consume({
      stream: streamNames.jobs,
      durable: 'corpus-jobs',
      subjects: [jobSubjects.corpusJob],
      exactlyOnce: false,
      // Stops at the next safe point as soon as shutdown starts (finished shards are kept for the
      // next delivery), not only once the shutdown timeout runs out.
      handler: async (envelope, context) => this.run(envelope.payload, AbortSignal.any([context.signal, this.consumers.shuttingDown])),
    });
    await this.consumers.consume({
      stream: streamNames.events,
      durable: 'corpus-experiments',
      subjects: [eventSubjects.experimentCreated],
      exactlyOnce: false,
      handler: async (envelope) => this.startExperiment(envelope.payload),
    });
  }

  async enqueue(job: PayloadInput<typeof jobSubjects.corpusJob>): Promise<void> {
    await this.publisher.publish(jobSubjects.corpusJob, job, { id: `corpus-job:${job.jobId}` });
  }

  private async startExperiment({ experimentId, spec }: ExperimentCreated): Promise<void> {
    await this.enqueue({
      jobId: experimentCorpusJobId(experimentId, 'simplified'),
      experimentId,
      source: spec.corpus.source,
      vocabulary: spec.corpus.vocabulary,
      variant: 'simplified',
      tokenizerVocabSize: spec.tokenizerVocabSize,
    });
  }

  private async run(job: CorpusJob, signal: AbortSignal): Promise<void> {
    const ready = await this.preparer.prepare(job, signal);
    // An experiment's regular control follows its simplified corpus, matched in words.
    if (job.experimentId && job.variant === 'simplified' && job.jobId === experimentCorpusJobId(job.experimentId, 'simplified')) {
      if (ready.stats.wordsOut === 0) throw new Error(`the simplified corpus of experiment ${job.experimentId} kept no words: use a larger corpus or vocabulary`);
      await this.enqueue({
        ...job,
        jobId: experimentCorpusJobId(job.experimentId, 'regular'),
        variant: 'regular',
        wordBudget: ready.stats.wordsOut,
      });
    }
    this.logger.info({ jobId: job.jobId, corpusId: ready.corpusId }, 'corpus job done');
  }
}

/** `rpc.corpus.prepare`: validates the request and enqueues it; progress follows on the returned subject. */
@Controller()
export class CorpusCommands {
  constructor(private readonly jobs: CorpusJobs) {}

  @MessagePattern(rpcSubjects.prepareCorpus)
  async prepare(@Payload() request: unknown): Promise<PrepareCorpusReply> {
    const parsed = prepareCorpusRequest.safeParse(request);
    if (!parsed.success) {
      throw new RpcException(`invalid ${rpcSubjects.prepareCorpus} request: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; ')}`);
    }
    const jobId = randomUUID();
    await this.jobs.enqueue({ ...parsed.data, jobId });
    return { jobId, progressSubject: progressSubjects.corpus(jobId) };
  }
}
