import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { eventSubjects, type CorpusVariant } from '@downscale/contracts';
import { streamNames, type EventPublisher } from '@downscale/messaging';
import { Run, type ScalingFit } from '@downscale/persistence';
import { ConsumerHost, DATA_SOURCE, EVENT_PUBLISHER, LOGGER } from '@downscale/service-kit';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { completedRunLosses } from './fit-inputs.js';
import { saveFitVersion } from './fit-versions.js';
import { lossLawFits } from './loss-law-fits.js';

/**
 * Keeps each experiment's scaling fits current: whenever a run completes or a checkpoint is
 * evaluated, the experiment's laws are refitted on its completed runs. A refit of unchanged
 * inputs stores nothing (see saveFitVersion), which is what debounces bursts of events;
 * fit.updated is published (idempotently, keyed by the fit) after the fit is stored.
 */
@Injectable()
export class ExperimentRefitter implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: ConsumerHost,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Effects are idempotent by input hash, so no ledger: a redelivery re-publishes the same fit.
    await this.consumers.consume({
      stream: streamNames.events,
      durable: 'scaling-refit-on-eval',
      subjects: [eventSubjects.evalCompleted],
      exactlyOnce: false,
      handler: async (envelope) => this.refitRunExperiment(envelope.payload.runId),
    });
    await this.consumers.consume({
      stream: streamNames.events,
      durable: 'scaling-refit-on-run-state',
      subjects: [eventSubjects.runStateChanged],
      exactlyOnce: false,
      handler: async (envelope) => {
        if (envelope.payload.state === 'completed') await this.refitRunExperiment(envelope.payload.runId);
      },
    });
  }

  private async refitRunExperiment(runId: string): Promise<void> {
    const run = await this.dataSource.getRepository(Run).findOneBy({ id: runId });
    if (!run) {
      this.logger.warn({ runId }, 'event about an unknown run: nothing to refit');
      return;
    }
    await this.refitExperiment(run.experimentId);
  }

  /** Fits every law that the experiment's completed runs support, per corpus variant. */
  async refitExperiment(experimentId: string): Promise<ScalingFit[]> {
    const points = await completedRunLosses(this.dataSource, experimentId);
    const variants = [...new Set(points.map((p) => p.variant))] as CorpusVariant[];
    const fits: ScalingFit[] = [];
    for (const variant of variants) {
      const { records, skipped } = lossLawFits(variant, points.filter((p) => p.variant === variant));
      for (const reason of skipped) this.logger.info({ experimentId, variant }, `not fitted: ${reason}`);
      for (const record of records) {
        const { fit, created } = await saveFitVersion(this.dataSource, experimentId, record);
        await this.publisher.publish(
          eventSubjects.fitUpdated,
          {
            fitId: fit.id,
            version: fit.version,
            form: record.form,
            variant,
            inputs: fit.inputs,
            parameters: fit.parameters,
            intervals: fit.intervals,
            runIds: fit.runIds,
          },
          { id: `fit:${fit.id}` },
        );
        if (created) this.logger.info({ experimentId, variant, form: record.form, version: fit.version, parameters: fit.parameters }, 'scaling fit updated');
        fits.push(fit);
      }
    }
    return fits;
  }
}
