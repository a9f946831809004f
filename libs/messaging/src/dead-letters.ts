import { deadLetter, deadLetterSubject, type DeadLetter } from '@downscale/contracts';
import type { JetStreamClient, PubAck } from '@nats-io/jetstream';

export interface DeadLetterRequest {
  /** Where the refused message came from. */
  stream: string;
  streamSequence: number;
  originalSubject: string;
  consumer: string;
  reason: string;
  deliveries: number;
  data: Uint8Array;
}

/**
 * Publishes a refused message with its reason to its dead-letter subject and waits for the
 * stream to store it. The message id names the consumer and the original message, so a
 * consumer that dead-letters the same message twice (a crash before `term`, or several workers
 * reacting to one advisory) stores it once.
 */
export async function publishDeadLetter(js: JetStreamClient, request: DeadLetterRequest): Promise<PubAck> {
  const body: DeadLetter = deadLetter.parse({
    originalSubject: request.originalSubject,
    consumer: request.consumer,
    reason: request.reason || 'no reason given',
    deliveries: request.deliveries,
    dataBase64: Buffer.from(request.data).toString('base64'),
    at: new Date().toISOString(),
  });
  return js.publish(deadLetterSubject(request.originalSubject), JSON.stringify(body), {
    msgID: `dead-letter:${request.consumer}:${request.stream}:${request.streamSequence}`,
  });
}
