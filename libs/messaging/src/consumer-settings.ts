import { AckPolicy, DeliverPolicy, JetStreamApiError, type ConsumerConfig, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';

/** How a durable consumer paces deliveries, retries and gives up. */
export interface DeliverySettings {
  /** Deliveries of one message before it is dead-lettered (server-side max_deliver too). */
  maxDeliver: number;
  /** Wait before the nth retry of a failed handler; the last entry repeats. */
  backoffMs: readonly number[];
  /**
   * How long a delivered message may go without an ack or a progress signal before the server
   * redelivers it: the time to notice a crashed consumer. Running handlers send progress every
   * third of it, so it needs no relation to how long a handler takes.
   */
  ackWaitMs: number;
  /** Messages delivered and not yet acked, over all workers sharing the durable. */
  maxAckPending: number;
}

export const defaultDeliverySettings: DeliverySettings = {
  maxDeliver: 5,
  backoffMs: [1_000, 5_000, 30_000, 120_000],
  ackWaitMs: 30_000,
  maxAckPending: 1_000,
};

/** Fills defaults and refuses settings the server would reject or that could not work. */
export function resolveDeliverySettings(given: Partial<DeliverySettings>): DeliverySettings {
  const settings: DeliverySettings = {
    maxDeliver: given.maxDeliver ?? defaultDeliverySettings.maxDeliver,
    backoffMs: given.backoffMs ?? defaultDeliverySettings.backoffMs,
    ackWaitMs: given.ackWaitMs ?? defaultDeliverySettings.ackWaitMs,
    maxAckPending: given.maxAckPending ?? defaultDeliverySettings.maxAckPending,
  };
  const problems: string[] = [];
  if (!Number.isInteger(settings.maxDeliver) || settings.maxDeliver < 1) problems.push(`maxDeliver must be an integer >= 1 (got ${settings.maxDeliver})`);
  if (settings.backoffMs.length === 0 || settings.backoffMs.some((ms) => !(ms > 0))) {
    problems.push(`backoffMs must list at least one positive delay (got [${settings.backoffMs.join(', ')}])`);
  }
  if (!(settings.ackWaitMs >= 100)) problems.push(`ackWaitMs must be at least 100 (got ${settings.ackWaitMs})`);
  if (!Number.isInteger(settings.maxAckPending) || settings.maxAckPending < 1) {
    problems.push(`maxAckPending must be an integer >= 1 (got ${settings.maxAckPending})`);
  }
  if (problems.length > 0) throw new Error(`invalid durable consumer settings: ${problems.join('; ')}`);
  return settings;
}

/** The wait before redelivering a message whose handler failed on delivery `deliveryCount` (1-based). */
export function backoffFor(backoffMs: readonly number[], deliveryCount: number): number {
  const index = Math.min(Math.max(deliveryCount, 1), backoffMs.length) - 1;
  return backoffMs[index] ?? 0;
}

/** "consumer name already in use" (servers before 2.10) and "consumer already exists" (2.10+). */
const CONSUMER_EXISTS_CODES = new Set([10013, 10148]);

/**
 * Creates the durable pull consumer, or updates it to `settings` when it exists.
 *
 * Retry delays are sent with each nak rather than as the server's `backoff` list: with a
 * `backoff` list the server replaces ack_wait by its first entry and times in-flight messages
 * out on the list, which would tie crash detection to the retry schedule (a 1 s first retry
 * would mean a handler blocked for 1 s is redelivered to another worker).
 */
export async function ensureDurableConsumer(
  jsm: JetStreamManager,
  stream: string,
  durable: string,
  subjects: readonly string[],
  settings: DeliverySettings,
): Promise<void> {
  const updatable = {
    ack_wait: nanos(settings.ackWaitMs),
    max_deliver: settings.maxDeliver,
    max_ack_pending: settings.maxAckPending,
    // One subject goes in filter_subject: filter_subjects needs a 2.10 server.
    ...(subjects.length === 1 ? { filter_subject: subjects[0] } : { filter_subjects: [...subjects] }),
  } satisfies Partial<ConsumerConfig>;
  try {
    await jsm.consumers.add(stream, {
      ...updatable,
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      // A new durable starts from the oldest message kept, so nothing published before it existed is missed.
      deliver_policy: DeliverPolicy.All,
    });
  } catch (error) {
    if (!(error instanceof JetStreamApiError && CONSUMER_EXISTS_CODES.has(error.code))) {
      throw new Error(`could not create durable consumer ${durable} on stream ${stream}: ${(error as Error).message}`, { cause: error });
    }
    try {
      await jsm.consumers.update(stream, durable, updatable);
    } catch (updateError) {
      throw new Error(
        `could not update durable consumer ${durable} on stream ${stream}: ${(updateError as Error).message} ` +
          `(if a setting cannot change, remove it with "nats consumer rm ${stream} ${durable}")`,
        { cause: updateError },
      );
    }
  }
}
