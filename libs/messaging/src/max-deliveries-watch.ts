import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { publishDeadLetter } from './dead-letters.js';

/** The part of the server's max_deliver advisory that we use. */
interface MaxDeliveriesAdvisory {
  stream_seq: number;
  deliveries: number;
}

export interface MaxDeliveriesWatchOptions {
  stream: string;
  durable: string;
  onDeadLettered: () => void;
  onError: (message: string) => void;
}

/**
 * A message whose every delivery ended without an ack (the consumer crashed, hung or lost its
 * connection) is silently given up by the server at max_deliver: the handler never failed,
 * so nobody dead-lettered it. The server announces it in an advisory; this dead-letters it
 * from there, so that nothing accepted is lost. Every worker sharing the durable reacts, and
 * the dead letter's message id makes the stream keep one.
 */
export function watchMaxDeliveries(
  nc: NatsConnection,
  js: JetStreamClient,
  jsm: JetStreamManager,
  options: MaxDeliveriesWatchOptions,
): Subscription {
  const { stream, durable } = options;
  return nc.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.${durable}`, {
    callback: (error, msg) => {
      if (error) return options.onError(`${durable}: max-deliveries advisories stopped: ${error.message}`);
      const advisory = msg.json<MaxDeliveriesAdvisory>();
      deadLetterExhausted(js, jsm, options, advisory).catch((failure: Error) =>
        options.onError(`${durable}: could not dead-letter ${stream} #${advisory.stream_seq} after max deliveries: ${failure.message}`),
      );
    },
  });
}

async function deadLetterExhausted(
  js: JetStreamClient,
  jsm: JetStreamManager,
  { stream, durable, onDeadLettered }: MaxDeliveriesWatchOptions,
  advisory: MaxDeliveriesAdvisory,
): Promise<void> {
  const stored = await jsm.streams.getMessage(stream, { seq: advisory.stream_seq });
  if (!stored) return; // already removed from the stream (limits or a purge): nothing left to keep
  const ack = await publishDeadLetter(js, {
    stream,
    streamSequence: advisory.stream_seq,
    originalSubject: stored.subject,
    consumer: durable,
    reason: `delivered ${advisory.deliveries} times without an ack: the consumer crashed, hung or lost its connection each time`,
    deliveries: advisory.deliveries,
    data: stored.data,
  });
  if (!ack.duplicate) onDeadLettered();
}
