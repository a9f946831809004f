import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { eventSubjects } from '@downscale/contracts';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { startDurableConsumer, type DurableConsumerOptions } from './durable-consumer.js';
import type { EffectLedger } from './effect-ledger.js';
import { EventPublisher } from './event-publisher.js';
import { streamNames } from './streams.js';
import {
  InMemoryLedger,
  checkpoint,
  consumerIsIdle,
  readDeadLetters,
  recordingLogger,
  startTestBus,
  waitFor,
  type TestBus,
} from './test-fixtures.js';

const subject = eventSubjects.checkpointSaved;
const durable = 'evaluator';
const limit = { timeout: 30_000 };

describe('durable consumer', () => {
  let bus: TestBus;
  let publisher: EventPublisher;
  let logger: ReturnType<typeof recordingLogger>;
  /** The options every test starts from: the EVENTS stream, checkpoint.saved, quiet logs. */
  let base: Omit<DurableConsumerOptions<typeof subject>, 'handler'>;

  beforeEach(async () => {
    bus = await startTestBus();
    publisher = new EventPublisher(bus.nc, 'test');
    logger = recordingLogger();
    base = { stream: streamNames.events, durable, subjects: [subject], logger };
  });
  afterEach(() => bus.close());

  it('processes an event published while its consumer was down, exactly once', limit, async () => {
    const seen: string[] = [];
    const options = { ...base, handler: async (envelope: { id: string }) => void seen.push(envelope.id) };
    await (await startDurableConsumer(bus.nc, options)).stop();
    await publisher.publish(subject, checkpoint(1), { id: 'checkpoint:run-1:1' });

    const consumer = await startDurableConsumer(bus.nc, options);
    await waitFor('the event to be processed', () => consumer.counts().processed === 1);
    await waitFor('the ack to be recorded', () => consumerIsIdle(bus.nc, streamNames.events, durable));
    await delay(300);
    await consumer.stop();
    assert.deepEqual(seen, ['checkpoint:run-1:1']);
    assert.deepEqual(consumer.counts(), { processed: 1, duplicates: 0, retried: 0, deadLettered: 0, redelivered: 0 });
  });

  it('dead-letters bad JSON and schema violations with the reason and original bytes, and keeps going', limit, async () => {
    const js = jetstream(bus.nc);
    const notJson = new TextEncoder().encode('{oops');
    const badSha = new TextEncoder().encode(
      JSON.stringify({ id: 'bad-1', subject, version: 1, occurredAt: new Date().toISOString(), source: 'test', payload: { ...checkpoint(1), sha256: 'xyz' } }),
    );
    await js.publish(subject, notJson);
    await js.publish(subject, badSha);
    await publisher.publish(subject, checkpoint(2), { id: 'good' });

    const seen: string[] = [];
    const consumer = await startDurableConsumer(bus.nc, { ...base, handler: async (envelope) => void seen.push(envelope.id) });
    await waitFor('two dead letters and one processed event', () => consumer.counts().deadLettered === 2 && consumer.counts().processed === 1);
    await waitFor('nothing left pending', () => consumerIsIdle(bus.nc, streamNames.events, durable));
    await consumer.stop();

    assert.deepEqual(seen, ['good']);
    const [first, second, ...rest] = await readDeadLetters(bus.nc, subject);
    assert.equal(rest.length, 0);
    assert.match(first?.reason ?? '', /not JSON/);
    assert.deepEqual(Buffer.from(first?.dataBase64 ?? '', 'base64'), Buffer.from(notJson));
    assert.match(second?.reason ?? '', /payload\.sha256/);
    assert.deepEqual(Buffer.from(second?.dataBase64 ?? '', 'base64'), Buffer.from(badSha));
    for (const letter of [first, second]) {
      assert.equal(letter?.originalSubject, subject);
      assert.equal(letter?.consumer, durable);
      assert.equal(letter?.deliveries, 1);
    }
  });

  it('retries a failing handler with backoff up to maxDeliver, then dead-letters it', limit, async () => {
    const calls: { deliveryCount: number; at: number }[] = [];
    const consumer = await startDurableConsumer(bus.nc, {
      ...base,
      maxDeliver: 3,
      backoffMs: [300, 800],
      handler: async (_envelope, context) => {
        calls.push({ deliveryCount: context.deliveryCount, at: Date.now() });
        throw new Error('evaluation backend unavailable');
      },
    });
    await publisher.publish(subject, checkpoint(1), { id: 'checkpoint:run-1:1' });
    await waitFor('the dead letter', () => consumer.counts().deadLettered === 1);
    await delay(1_000); // long enough for a fourth delivery, were there one
    await consumer.stop();

    assert.deepEqual(calls.map((c) => c.deliveryCount), [1, 2, 3]);
    const [first, second, third] = calls.map((c) => c.at);
    assert.ok(second! - first! >= 280, `first retry after ${second! - first!} ms, backoff is 300`);
    assert.ok(third! - second! >= 780, `second retry after ${third! - second!} ms, backoff is 800`);
    assert.deepEqual(consumer.counts(), { processed: 0, duplicates: 0, retried: 2, deadLettered: 1, redelivered: 2 });
    const letters = await readDeadLetters(bus.nc, subject);
    assert.equal(letters.length, 1);
    assert.match(letters[0]?.reason ?? '', /failed on each of 3 deliveries.*evaluation backend unavailable/);
    assert.equal(letters[0]?.deliveries, 3);
    assert.ok(await consumerIsIdle(bus.nc, streamNames.events, durable));
  });

  it('with a ledger, a redelivered event whose effect was applied has no second effect', limit, async () => {
    const ledger = new InMemoryLedger();
    let effects = 0;
    const handler = async () => void effects++;
    // Commits the effect, then never returns: as if the process died between commit and ack.
    const committedThenStuck: EffectLedger<undefined> = {
      runOnce: async (consumer, key, effect) => {
        await ledger.runOnce(consumer, key, effect);
        return new Promise(() => {});
      },
    };
    const crashed = await startDurableConsumer(bus.nc, { ...base, ledger: committedThenStuck, handler });
    await publisher.publish(subject, checkpoint(1), { id: 'checkpoint:run-1:1' });
    await waitFor('the effect', () => effects === 1);
    await crashed.stop({ timeoutMs: 100 }); // gives up on the handler and hands the message back

    const consumer = await startDurableConsumer(bus.nc, { ...base, ledger, handler });
    await waitFor('the redelivery to be recognised', () => consumer.counts().duplicates === 1);
    await waitFor('the ack to be recorded', () => consumerIsIdle(bus.nc, streamNames.events, durable));
    await consumer.stop();
    assert.equal(effects, 1);
    assert.deepEqual(consumer.counts(), { processed: 0, duplicates: 1, retried: 0, deadLettered: 0, redelivered: 1 });
  });

  it('stop() waits for the running handler, which then acks', limit, async () => {
    let finished = false;
    const consumer = await startDurableConsumer(bus.nc, {
      ...base,
      handler: async () => {
        await delay(800);
        finished = true;
      },
    });
    await publisher.publish(subject, checkpoint(1), { id: 'checkpoint:run-1:1' });
    await waitFor('the handler to start', async () => (await (await jetstreamManager(bus.nc)).consumers.info(streamNames.events, durable)).num_ack_pending === 1);
    await consumer.stop();
    assert.equal(finished, true);
    assert.equal(consumer.counts().processed, 1);
    assert.equal(await consumer.closed, undefined);
    assert.ok(await consumerIsIdle(bus.nc, streamNames.events, durable));
  });

  it('stop() hands a handler that outlasts its timeout back for immediate redelivery', limit, async () => {
    let aborted = false;
    const stuck = await startDurableConsumer(bus.nc, {
      ...base,
      handler: (_envelope, context) =>
        new Promise<void>((resolve) =>
          context.signal.addEventListener('abort', () => {
            aborted = true;
            resolve();
          }),
        ),
    });
    await publisher.publish(subject, checkpoint(1), { id: 'checkpoint:run-1:1' });
    await waitFor('the handler to start', async () => (await (await jetstreamManager(bus.nc)).consumers.info(streamNames.events, durable)).num_ack_pending === 1);
    await stuck.stop({ timeoutMs: 200 });
    assert.equal(aborted, true);
    assert.equal(stuck.counts().processed, 0);

    const deliveries: number[] = [];
    const startedAt = Date.now();
    const consumer = await startDurableConsumer(bus.nc, { ...base, handler: async (_envelope, context) => void deliveries.push(context.deliveryCount) });
    await waitFor('the redelivery', () => consumer.counts().processed === 1, 5_000);
    await consumer.stop();
    assert.deepEqual(deliveries, [2]);
    assert.ok(Date.now() - startedAt < 5_000, 'redelivered well before the 30 s ack_wait');
    assert.match(logger.lines.join('\n'), /still running after 200 ms at stop/);
  });

  it('updates an existing durable to new settings and refuses impossible ones', limit, async () => {
    const handler = async () => {};
    await (await startDurableConsumer(bus.nc, { ...base, handler, maxDeliver: 3, ackWaitMs: 10_000 })).stop();
    await (await startDurableConsumer(bus.nc, { ...base, handler, maxDeliver: 7, ackWaitMs: 20_000, maxAckPending: 5 })).stop();
    const { config } = await (await jetstreamManager(bus.nc)).consumers.info(streamNames.events, durable);
    assert.equal(config.max_deliver, 7);
    assert.equal(config.ack_wait, 20_000_000_000);
    assert.equal(config.max_ack_pending, 5);
    await assert.rejects(startDurableConsumer(bus.nc, { ...base, handler, maxDeliver: 0, backoffMs: [] }), /maxDeliver must be an integer >= 1.*backoffMs must list/);
  });
});
