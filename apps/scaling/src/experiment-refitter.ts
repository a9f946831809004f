import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { eventSubjects, fitInput, progressSubjects, type CorpusVariant, type FitForm, type RefitOutcome } from '@downscale/contracts';
import { streamNames, type EventPublisher } from '@downscale/messaging';
import { Run, type ScalingFit } from '@downscale/persistence';
import { fitPlanned, planLossFits, UndeterminedLawError, type LossFitReport } from '@downscale/scaling-laws';
import { ConsumerHost, DATA_SOURCE, EVENT_PUBLISHER, LOGGER, NATS_CONNECTION } from '@downscale/service-kit';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { completedRunCurves, fitMetric } from './fit-inputs.js';
import { inputHash, latestFit, saveFitVersion } from './fit-versions.js';

/** Bootstrap and held-out settings of the service's fits; part of each fit's input hash. */
export const serviceFitSettings = { resamples: 400, seed: 0, level: 0.95, heldOutRuns: 1 } as const;

export type RefitResult = Omit<RefitOutcome, 'experimentId' | 'error'>;

/**
 * Keeps each experiment's scaling fits current: whenever a run completes, a checkpoint is
 * evaluated or a refit is requested, the experiment's laws are refitted on its completed
 * runs. Debounced twice: refits of one experiment run one at a time, and events arriving
 * meanwhile share a single refit queued behind the running one; a law whose points and
 * settings hash as its latest version's is not refitted. fit.updated is published
 * (idempotently, keyed by the fit) for every current fit. Shutdown stops a refit between
 * laws: its event is handed back, and the next refit keeps the fits stored so far.
 */
@Injectable()
export class ExperimentRefitter implements OnApplicationBootstrap {
  private readonly refits = new Map<string, { tail: Promise<unknown>; waiting?: Promise<RefitResult> }>();

  constructor(
    private readonly consumers: ConsumerHost,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Effects are idempotent by input hash, so no ledger: a redelivery re-publishes the same fits.
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
    await this.consumers.consume({
      stream: streamNames.events,
      durable: 'scaling-refit-on-request',
      subjects: [eventSubjects.fitRequested],
      exactlyOnce: false,
      handler: async ({ payload: { experimentId, requestId } }) => {
        const answer = (outcome: RefitOutcome) => {
          if (!this.nc.isClosed()) this.nc.publish(progressSubjects.refit(requestId), JSON.stringify(outcome));
        };
        try {
          const { stored, unchanged, skipped } = await this.refitExperiment(experimentId);
          answer({ experimentId, stored, unchanged, skipped });
        } catch (error) {
          answer({ experimentId, stored: 0, unchanged: 0, skipped: [], error: error instanceof Error ? error.message : String(error) });
          throw error;
        }
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

  /** Refits the experiment once the refit already running for it (if any) is done; callers arriving meanwhile share that refit. */
  refitExperiment(experimentId: string): Promise<RefitResult> {
    const slot = this.refits.get(experimentId) ?? { tail: Promise.resolve() };
    this.refits.set(experimentId, slot);
    if (slot.waiting) return slot.waiting;
    const refit = slot.tail
      .catch(() => undefined)
      .then(() => {
        // Started: it may have read the database already, so later callers queue another refit.
        slot.waiting = undefined;
        return this.refitNow(experimentId);
      });
    slot.waiting = refit;
    slot.tail = refit;
    refit.then(
      () => slot.tail === refit && this.refits.delete(experimentId),
      () => slot.tail === refit && this.refits.delete(experimentId),
    );
    return refit;
  }

  /** Fits every law that the experiment's completed runs support, per corpus variant. */
  private async refitNow(experimentId: string): Promise<RefitResult> {
    const result: RefitResult = { stored: 0, unchanged: 0, skipped: [] };
    const settings = { fit: serviceFitSettings, source: fitMetric };
    for (const [variant, runs] of await completedRunCurves(this.dataSource, experimentId)) {
      const { planned, skipped } = planLossFits(runs);
      for (const reason of skipped) this.logger.info({ experimentId, variant }, `not fitted: ${reason}`);
      result.skipped.push(...skipped.map((reason) => `${variant}: ${reason}`));
      for (const plan of planned) {
        // A stop between laws: each fit is stored whole, and the event comes back to refit the rest.
        this.consumers.shuttingDown.throwIfAborted();
        const key = { experimentId, axis: plan.axis, form: plan.form, variant };
        const hash = inputHash(variant, plan, settings);
        const latest = await latestFit(this.dataSource.manager, key);
        let report: LossFitReport | undefined;
        if (latest?.inputHash !== hash) {
          try {
            report = fitPlanned(plan, serviceFitSettings);
          } catch (error) {
            if (!(error instanceof UndeterminedLawError)) throw error;
            this.logger.info({ experimentId, variant }, `not fitted: ${error.message}`);
            result.skipped.push(`${variant}: ${error.message}`);
            continue;
          }
        }
        const { fit, created } = report ? await saveFitVersion(this.dataSource, key, hash, report, settings) : { fit: latest!, created: false };
        await this.announce(fit, plan.form, variant);
        if (created) this.logger.info({ experimentId, variant, axis: plan.axis, form: plan.form, version: fit.version, parameters: fit.parameters }, 'scaling fit updated');
        result[created ? 'stored' : 'unchanged'] += 1;
      }
    }
    return result;
  }

  private announce(fit: ScalingFit, form: FitForm, variant: CorpusVariant): Promise<unknown> {
    return this.publisher.publish(
      eventSubjects.fitUpdated,
      {
        fitId: fit.id,
        version: fit.version,
        form,
        variant,
        inputs: fit.inputs.map((input) => fitInput.parse(input)),
        parameters: fit.parameters,
        // Infinite bounds (a stored fit reads them back as null, JSON having no Infinity) are sent as null.
        intervals: Object.fromEntries(Object.entries(fit.intervals).map(([name, [low, high]]) => [name, [finiteOrNull(low), finiteOrNull(high)]])),
        runIds: fit.runIds,
      },
      { id: `fit:${fit.id}` },
    );
  }
}

const finiteOrNull = (value: number | null) => (value !== null && Number.isFinite(value) ? value : null);
