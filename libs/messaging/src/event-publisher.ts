import { makeEnvelope, type DurableSubject, type PayloadInput } from '@downscale/contracts';
import { jetstream, type JetStreamClient, type PubAck } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';

export interface PublishMeta {
  /** The idempotency key: derive it from what the message is about, e.g. `checkpoint:<run>:<step>`. */
  id: string;
  occurredAt?: Date;
}

/**
 * Publishes durable messages (events and jobs) through JetStream. The payload is validated
 * before anything is sent, and the envelope id travels as Nats-Msg-Id, so a re-publish after
 * a crash is dropped by the stream (within its duplicate window; consumers' ledgers catch later ones).
 */
export class EventPublisher {
  private readonly js: JetStreamClient;

  constructor(
    nc: NatsConnection,
    /** Recorded in every envelope: the publishing service. */
    private readonly source: string,
  ) {
    this.js = jetstream(nc);
  }

  /** Throws ContractViolation for an invalid payload; the PubAck says `duplicate` for a re-publish. */
  async publish<S extends DurableSubject>(subject: S, payload: PayloadInput<S>, meta: PublishMeta): Promise<PubAck> {
    const envelope = makeEnvelope(subject, payload, { ...meta, source: this.source });
    try {
      return await this.js.publish(subject, JSON.stringify(envelope), { msgID: envelope.id });
    } catch (error) {
      throw new Error(
        `could not publish ${subject} (id ${envelope.id}): ${(error as Error).message}; ` +
          `is NATS up and were the streams created (ensureStreams)?`,
        { cause: error },
      );
    }
  }
}
