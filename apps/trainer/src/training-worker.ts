import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { join } from 'node:path';
import type { ArtifactStore } from '@downscale/artifacts';
import { cancelRun, controlSubjects, eventSubjects, jobSubjects, type CancelRunReply, type RunState, type TrainingJob } from '@downscale/contracts';
import { streamNames, type EventPublisher } from '@downscale/messaging';
import { backendLabel, selectBackend } from '@downscale/model';
import { Checkpoint, Corpus, MetricPointWriter, retryWhileUnreachable, Run, Tokenizer } from '@downscale/persistence';
import { ARTIFACT_STORE, ConsumerHost, DATA_SOURCE, EVENT_PUBLISHER, LOGGER, NATS_CONNECTION } from '@downscale/service-kit';
import { readTokenFile } from '@downscale/tokenizer';
import { planRun, TokenDataset, trainRun, type RunOutcome } from '@downscale/training';
import type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import { In, type DataSource } from 'typeorm';
import { CheckpointStore } from './checkpoint-store.js';
import type { TrainerSettings } from './settings.js';

/** What a state change also records on the run. */
interface RunStateFields {
  backend?: string;
  startedAt?: Date;
  finishedAt?: Date;
  failureReason?: string;
}

export const TRAINER_SETTINGS = Symbol('TRAINER_SETTINGS');
const TOKENS_FILE = 'tokens.bin';

/**
 * Trains runs from the JOBS work queue, one at a time per worker (workers share the queue).
 * A job resumes from its run's newest intact checkpoint, so a worker killed mid-run loses
 * at most the steps since that checkpoint; SIGTERM saves a checkpoint and hands the job
 * back; a cancel command stops the run for good.
 */
@Injectable()
export class TrainingWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly checkpoints: CheckpointStore;
  private readonly cancels = new Map<string, AbortController>();
  private cancelSubscription: Subscription | undefined;

  constructor(
    private readonly consumers: ConsumerHost,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(ARTIFACT_STORE) private readonly artifacts: ArtifactStore,
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(TRAINER_SETTINGS) private readonly settings: TrainerSettings,
  ) {
    this.checkpoints = new CheckpointStore(dataSource, artifacts, logger);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.cancelSubscription = this.nc.subscribe(controlSubjects.cancelRun, {
      callback: (_error, message) => {
        this.cancel(message).catch((error: Error) => this.logger.warn({ err: error }, 'cancel command not carried out'));
      },
    });
    // Each pull loop on the shared durable runs one job at a time: concurrentJobs loops, that many jobs.
    for (let loop = 0; loop < this.settings.concurrentJobs; loop++) {
      await this.consumers.consume({
        stream: streamNames.jobs,
        durable: 'trainer-jobs',
        subjects: [jobSubjects.trainingJob],
        exactlyOnce: false,
        // Training is long: a crashed worker's job comes back after ackWait, then resumes.
        ackWaitMs: this.settings.jobAckWaitMs,
        maxDeliver: 20,
        handler: async (envelope, context) => this.train(envelope.payload, context.signal),
      });
    }
  }

  onModuleDestroy(): void {
    this.cancelSubscription?.unsubscribe();
  }

  /**
   * Runs a database step of a run, waiting out an unreachable database (growing pauses, a
   * warning each time) until it answers or the service shuts down: a run pauses through an
   * outage instead of failing, and keeps its buffered metric points.
   */
  private whileUnreachable<T>(log: Logger, what: string, work: () => Promise<T>): Promise<T> {
    return retryWhileUnreachable(work, {
      signal: this.consumers.shuttingDown,
      onRetry: (error, attempt, delayMs) => log.warn({ err: error, attempt }, `database unreachable (${what}); retrying in ${delayMs} ms`),
    });
  }

  private async setState(runId: string, state: RunState, fields: RunStateFields = {}, reason?: string): Promise<void> {
    const log = this.logger.child({ runId });
    await this.whileUnreachable(log, `run state ${state}`, () => this.dataSource.getRepository(Run).update({ id: runId }, { state, updatedAt: new Date(), ...fields }));
    await this.announceState(runId, state, fields, reason);
  }

  private async announceState(runId: string, state: RunState, fields: RunStateFields, reason?: string): Promise<void> {
    await this.publisher.publish(
      eventSubjects.runStateChanged,
      { runId, state, at: new Date().toISOString(), ...(reason ? { reason } : {}), ...(fields.backend ? { backend: fields.backend } : {}) },
      { id: `run-state:${runId}:${state}:${Date.now()}` },
    );
  }

  /**
   * A cancel command: the trainer training the run stops it; a queued run is marked cancelled
   * by the first trainer to get there (a conditional update), so its job is dropped when
   * taken. The one that acts answers; the others stay silent.
   */
  private async cancel(message: Msg): Promise<void> {
    const parsed = cancelRun.safeParse(message.json());
    if (!parsed.success) return void this.logger.warn({ issues: parsed.error.issues }, 'cancel command refused: not a valid command');
    const { runId, reason = 'cancelled' } = parsed.data;
    const reply = (outcome: CancelRunReply['outcome']): boolean => message.respond(JSON.stringify({ runId, outcome } satisfies CancelRunReply));
    const running = this.cancels.get(runId);
    if (running) {
      running.abort(new Error(reason));
      return void reply('stopping');
    }
    const { affected } = await this.dataSource.getRepository(Run).update({ id: runId, state: 'queued' }, { state: 'cancelled', updatedAt: new Date(), finishedAt: new Date() });
    if (!affected) return;
    this.logger.info({ runId, reason }, 'queued run cancelled');
    await this.announceState(runId, 'cancelled', {}, reason);
    reply('cancelled');
  }

  /**
   * checkpoint.saved for a stored checkpoint. Its id is derived from run and step, so announcing
   * it again (on resume) is dropped by JetStream's duplicate window, and consumers are idempotent.
   */
  private announceCheckpoint(checkpoint: Checkpoint): Promise<unknown> {
    const { id: checkpointId, runId, step, tokens, uri, sha256 } = checkpoint;
    return this.publisher.publish(eventSubjects.checkpointSaved, { checkpointId, runId, step, tokens, uri, sha256 }, { id: `checkpoint:${runId}:${step}` });
  }

  async train(job: TrainingJob, shutdown: AbortSignal): Promise<void> {
    const runs = this.dataSource.getRepository(Run);
    const log = this.logger.child({ runId: job.runId });
    const run = await this.whileUnreachable(log, 'read the run', () => runs.findOneBy({ id: job.runId }));
    if (!run) return void log.warn('training job for a run that is not in the database: dropped');
    if (run.state === 'completed' || run.state === 'cancelled' || run.state === 'failed') return;
    const heartbeatAge = Date.now() - (run.updatedAt?.getTime() ?? 0);
    if (run.state === 'running' && heartbeatAge < this.settings.leaseMs) {
      throw new Error(`run ${run.id} is being trained by another worker (heartbeat ${Math.round(heartbeatAge / 1000)} s ago); trying again later`);
    }
    const backend = backendLabel(await selectBackend());
    // Registered before the run is marked running, so that a cancel never finds it running and unregistered.
    const cancel = new AbortController();
    this.cancels.set(run.id, cancel);
    try {
      await this.trainRegistered(run, job, backend, cancel, shutdown, log);
    } finally {
      this.cancels.delete(run.id);
    }
  }

  private async trainRegistered(run: Run, job: TrainingJob, backend: string, cancel: AbortController, shutdown: AbortSignal, log: Logger): Promise<void> {
    const runs = this.dataSource.getRepository(Run);
    // Conditional: a cancel may have marked the queued run cancelled since it was read.
    const started = await this.whileUnreachable(log, 'run state running', () =>
      runs.update({ id: run.id, state: In(['queued', 'running']) }, { state: 'running', updatedAt: new Date(), backend, startedAt: run.startedAt ?? new Date() }),
    );
    if (!started.affected) return void log.info('training job for a cancelled run: dropped');
    await this.announceState(run.id, 'running', { backend });
    // Which worker took which job, once per start (tools/load-test.mjs counts them).
    log.info({ backend }, 'training job started');

    const corpus = await this.whileUnreachable(log, 'read the corpus', () => this.dataSource.getRepository(Corpus).findOneByOrFail({ id: job.corpusId }));
    const { ids } = await readTokenFile(join(this.artifacts.path(corpus.uri!), TOKENS_FILE));
    const plan = planRun(job.model, job.training);
    const dataset = new TokenDataset(ids, { contextLength: job.model.contextLength, seed: job.training.seed });
    const tokenizer = await this.whileUnreachable(log, 'read the tokenizer', () => this.dataSource.getRepository(Tokenizer).findOneBy({ id: job.tokenizerId }));
    const resume = await this.whileUnreachable(log, 'read the checkpoints', () => this.checkpoints.latestIntact(run.id));
    if (resume) {
      log.info({ step: resume.checkpoint.step }, 'resuming from checkpoint');
      // A worker stopped between storing it and announcing it (NATS down, kill -9) left it unannounced.
      await this.announceCheckpoint(resume.checkpoint);
    }

    const stop = AbortSignal.any([shutdown, this.consumers.shuttingDown, cancel.signal]);
    const heartbeat = setInterval(() => {
      runs.update({ id: run.id }, { updatedAt: new Date() }).catch((error: Error) => log.warn({ err: error }, 'heartbeat not written'));
    }, this.settings.heartbeatMs);
    const writer = new MetricPointWriter(this.dataSource, { onBackgroundError: (error) => log.warn({ err: error }, 'metric points not written yet; retrying') });
    let outcome: RunOutcome;
    try {
      outcome = await trainRun({
        plan,
        dataset,
        ...(resume ? { resume: resume.bytes } : {}),
        threads: this.settings.threads,
        // So that `downscale export` finds the tokenizer of a checkpoint in the artifact store.
        ...(tokenizer ? { checkpointMetadata: { tokenizer: tokenizer.uri, ...(tokenizer.sha256 ? { tokenizerSha256: tokenizer.sha256 } : {}) } } : {}),
        signal: stop,
        onMetrics: async (points) => {
          writer.add(run.id, points);
          await this.publisher.publish(eventSubjects.metricsReported, { runId: run.id, points }, { id: `metrics:${run.id}:${points[0]!.step}-${points.at(-1)!.step}` });
        },
        onCheckpoint: async ({ step, tokens, bytes }) => {
          // A resume starts after this step: the points up to it must be stored before the checkpoint exists.
          await this.whileUnreachable(log, 'write metric points', () => writer.flush());
          const checkpoint = await this.whileUnreachable(log, 'record the checkpoint', () => this.checkpoints.save(run.id, step, tokens, bytes));
          await this.announceCheckpoint(checkpoint);
        },
      });
    } finally {
      clearInterval(heartbeat);
      await this.whileUnreachable(log, 'write metric points', () => writer.close());
    }
    if (outcome.status === 'completed') {
      await this.setState(run.id, 'completed', { finishedAt: new Date() });
      log.info({ step: outcome.step, evalLoss: outcome.finalEvalLoss }, 'run completed');
    } else if (outcome.status === 'diverged') {
      await this.setState(run.id, 'failed', { finishedAt: new Date(), failureReason: outcome.reason ?? 'diverged' }, outcome.reason ?? 'diverged');
    } else if (cancel.signal.aborted) {
      await this.setState(run.id, 'cancelled', { finishedAt: new Date() }, String((cancel.signal.reason as Error).message));
    } else {
      // Shutdown: the checkpoint is saved; hand the job back so that a worker resumes it.
      await runs.update({ id: run.id }, { state: 'queued', updatedAt: new Date(0) });
      throw new Error(`stopped at step ${outcome.step} for shutdown; the job goes back to the queue`);
    }
  }
}
