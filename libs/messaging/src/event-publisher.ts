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
    private readonly nc: NatsConnection,
    /** Recorded in every envelope: the publishing service. */
    private readonly source: string,
  ) {
    this.js = jetstream(nc);
  }

  /** Throws ContractViolation for an invalid payload, and names the sizes of one over max_payload; the PubAck says `duplicate` for a re-publish. */
  async publish<S extends DurableSubject>(subject: S, payload: PayloadInput<S>, meta: PublishMeta): Promise<PubAck> {
    const envelope = makeEnvelope(subject, payload, { ...meta, source: this.source });
    const data = JSON.stringify(envelope);
    const limit = this.nc.info?.max_payload;
    const size = Buffer.byteLength(data);
    if (limit !== undefined && size > limit) {
      throw new Error(
        `could not publish ${subject} (id ${envelope.id}): the message is ${size} bytes, over the NATS server's max_payload of ${limit} bytes; ` +
          'send it in smaller parts (or raise max_payload in the server configuration)',
      );
    }
    try {
      return await this.js.publish(subject, data, { msgID: envelope.id });
    } catch (error) {
      throw new Error(
        `could not publish ${subject} (id ${envelope.id}): ${(error as Error).message}; ` +
          `is NATS up and were the streams created (ensureStreams)?`,
        { cause: error },
      );
    }
  }
}
