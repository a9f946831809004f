import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { eventSubjects, jobSubjects, type CorpusReady } from '@downscale/contracts';
import { planRuns } from '@downscale/experiments';
import { streamNames, type EventPublisher } from '@downscale/messaging';
import { Experiment, Run } from '@downscale/persistence';
import { ConsumerHost, DATA_SOURCE, EVENT_PUBLISHER, LOGGER } from '@downscale/service-kit';
import type { Logger } from 'pino';
import { In, type DataSource } from 'typeorm';

/**
 * Turns a ready corpus of an experiment into its runs: one per grid point of that corpus
 * variant, stored as queued, each with a training job on the JOBS work queue. Run ids are
 * derived from the grid, so a redelivered corpus.ready creates nothing twice, and jobs of
 * runs that already finished are not sent again.
 */
@Injectable()
export class RunPlanner implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: ConsumerHost,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.consume({
      stream: streamNames.events,
      durable: 'trainer-plan-runs',
      subjects: [eventSubjects.corpusReady],
      exactlyOnce: false,
      handler: async (envelope) => void (await this.plan(envelope.payload)),
    });
  }

  async plan(ready: CorpusReady): Promise<Run[]> {
    if (!ready.experimentId) return [];
    const experiment = await this.dataSource.getRepository(Experiment).findOneBy({ id: ready.experimentId });
    if (!experiment) throw new Error(`corpus.ready names experiment ${ready.experimentId}, which is not in the database`);
    if (!experiment.spec.grid.variants.includes(ready.variant)) return [];
    const planned = planRuns(experiment.id, experiment.spec, ready.variant, ready.vocabSize);
    const runs = this.dataSource.getRepository(Run);
    const existing = new Map((await runs.findBy({ id: In(planned.map((p) => p.runId)) })).map((r) => [r.id, r]));
    const fresh = planned
      .filter((p) => !existing.has(p.runId))
      .map((p) =>
        runs.create({
          id: p.runId,
          experimentId: experiment.id,
          corpusId: ready.corpusId,
          tokenizerId: ready.tokenizerId,
          config: { model: p.model, training: p.training },
          hiddenSize: p.model.hiddenSize,
          layers: p.model.layers,
          paramsTotal: p.paramsTotal,
          paramsNonEmbedding: p.paramsNonEmbedding,
          variant: p.variant,
          seed: p.seed,
          state: 'queued',
        }),
      );
    await runs.save(fresh);
    if (experiment.state === 'created') await this.dataSource.getRepository(Experiment).update({ id: experiment.id }, { state: 'running' });
    for (const p of planned) {
      const state = existing.get(p.runId)?.state;
      if (state === 'completed' || state === 'cancelled' || state === 'failed') continue;
      await this.publisher.publish(
        jobSubjects.trainingJob,
        { runId: p.runId, experimentId: experiment.id, corpusId: ready.corpusId, tokenizerId: ready.tokenizerId, model: p.model, training: p.training },
        { id: `training-job:${p.runId}` },
      );
    }
    this.logger.info({ experimentId: experiment.id, variant: ready.variant, runs: planned.length, new: fresh.length }, 'runs planned and queued');
    return [...existing.values(), ...fresh];
  }
}
