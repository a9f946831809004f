import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { DurableSubject } from '@downscale/contracts';
import { startDurableConsumer, type DurableConsumerHandle, type DurableConsumerOptions, type EffectLedger } from '@downscale/messaging';
import { IdempotencyLedger, retryWhileUnreachable } from '@downscale/persistence';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import type { ServiceConfig } from './config.js';
import { DATA_SOURCE, LOGGER, NATS_CONNECTION, SERVICE_CONFIG } from './tokens.js';

export type ServiceConsumerOptions<S extends DurableSubject> = Omit<DurableConsumerOptions<S, EntityManager>, 'ledger' | 'logger'> & {
  /** Run each handler inside the idempotency ledger (default true): its DB writes go through `context.tx`. */
  exactlyOnce?: boolean;
};

/**
 * Starts a service's durable consumers and stops them before the app shuts down, so that
 * in-flight handlers finish (or hand their message back) while NATS and the database are
 * still open. Feature modules call `consume` from `onApplicationBootstrap`.
 */
@Injectable()
export class ConsumerHost implements BeforeApplicationShutdown {
  private readonly handles: DurableConsumerHandle[] = [];
  private readonly ledger: IdempotencyLedger;
  private readonly shutdown = new AbortController();
  /**
   * Aborted as soon as the service starts shutting down: long handlers (training) stop at
   * their next safe point, save their state and hand their message back, instead of being
   * cut off when the stop timeout runs out.
   */
  readonly shuttingDown: AbortSignal = this.shutdown.signal;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(DATA_SOURCE) dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {
    this.ledger = new IdempotencyLedger(dataSource);
  }

  async consume<S extends DurableSubject>(options: ServiceConsumerOptions<S>): Promise<DurableConsumerHandle> {
    const { exactlyOnce = true, ...rest } = options;
    const log = this.logger.child({ consumer: options.durable });
    // Work whose database is unreachable waits here (growing pauses) and runs again once it
    // answers, instead of failing its delivery: JetStream's backoff would leave the message idle
    // long after the outage, and dead-letter it after a long one. Shutdown stops the wait. A
    // repeat is safe: handlers are idempotent (at-least-once delivery), and an exactly-once
    // effect runs again whole, its transaction rolled back by the lost connection.
    const waitOutOutage = <T>(key: string, work: () => Promise<T>) =>
      retryWhileUnreachable(work, {
        signal: this.shuttingDown,
        onRetry: (error, attempt, delayMs) => log.warn({ err: error, attempt }, `database unreachable (event ${key}); retrying in ${delayMs} ms`),
      });
    const ledger: EffectLedger<EntityManager> = {
      runOnce: (consumer, key, effect) => waitOutOutage(key, () => this.ledger.runOnce(consumer, key, effect)),
    };
    const handler: typeof rest.handler = exactlyOnce ? rest.handler : (envelope, context) => waitOutOutage(envelope.id, () => rest.handler(envelope, context));
    const handle = await startDurableConsumer<S, EntityManager>(this.nc, {
      ...rest,
      handler,
      ...(exactlyOnce ? { ledger } : {}),
      logger: { warn: (m) => log.warn(m), error: (m) => log.error(m) },
    });
    this.handles.push(handle);
    void handle.closed.then((error) => {
      if (error) log.error({ err: error }, 'consumer stopped on an error; the service is unhealthy until restarted');
    });
    return handle;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.shutdown.abort(new Error('the service is shutting down'));
    // Leave part of the shutdown budget for closing NATS and the database afterwards.
    const timeoutMs = Math.floor(this.config.shutdownTimeoutMs * 0.8);
    await Promise.all(this.handles.map((h) => h.stop({ timeoutMs })));
  }
}
