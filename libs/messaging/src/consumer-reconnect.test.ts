import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { eventSubjects } from '@downscale/contracts';
import { startDurableConsumer } from './durable-consumer.js';
import { EventPublisher } from './event-publisher.js';
import { streamNames } from './streams.js';
import { InMemoryLedger, checkpoint, consumerIsIdle, recordingLogger, startTestBus, waitFor, type TestBus } from './test-fixtures.js';

const subject = eventSubjects.checkpointSaved;
const durable = 'evaluator';

/** Publishes, retrying while the connection is being re-established; the same id makes retries safe. */
async function publishPersistently(publisher: EventPublisher, step: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await publisher.publish(subject, checkpoint(step), { id: `checkpoint:run-1:${step}` });
      return;
    } catch (error) {
      if (attempt === 50) throw error;
      await delay(200);
    }
  }
}

describe('a consumer across a NATS restart', () => {
  let bus: TestBus;
  before(async () => (bus = await startTestBus()));
  after(() => bus.close());

  it('reconnects and processes every event published before and after the restart exactly once', { timeout: 60_000 }, async () => {
    const publisher = new EventPublisher(bus.nc, 'test');
    const effects = new Map<string, number>();
    const consumer = await startDurableConsumer(await bus.connect('consumer'), {
      stream: streamNames.events,
      durable,
      subjects: [subject],
      ackWaitMs: 2_000,
      ledger: new InMemoryLedger(),
      logger: recordingLogger(),
      handler: async (envelope) => {
        await delay(30);
        effects.set(envelope.id, (effects.get(envelope.id) ?? 0) + 1);
      },
    });
    for (let step = 1; step <= 10; step++) await publishPersistently(publisher, step);
    await waitFor('some events to be processed before the restart', () => effects.size >= 3);

    await bus.server.restart();
    for (let step = 11; step <= 20; step++) await publishPersistently(publisher, step);

    await waitFor('all 20 events to be processed', () => effects.size === 20, 30_000);
    await waitFor('every ack to be recorded', () => consumerIsIdle(bus.nc, streamNames.events, durable), 10_000);
    await consumer.stop();
    assert.deepEqual([...effects.values()], Array<number>(20).fill(1));
    assert.equal(consumer.counts().processed, 20);
    assert.equal(consumer.counts().deadLettered, 0);
  });
});
