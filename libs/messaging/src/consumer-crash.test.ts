import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { eventSubjects } from '@downscale/contracts';
import { startDurableConsumer } from './durable-consumer.js';
import { EventPublisher } from './event-publisher.js';
import { streamNames } from './streams.js';
import { checkpoint, readDeadLetters, recordingLogger, startTestBus, waitFor, type TestBus } from './test-fixtures.js';

const subject = eventSubjects.checkpointSaved;
const durable = 'evaluator';
const ackWaitMs = 1_500;
const stallingConsumer = fileURLToPath(new URL('./testing/stalling-consumer.js', import.meta.url));

/** Starts the stalling consumer in its own process and waits until it consumes. */
async function startStallingConsumer(url: string, maxDeliver: number): Promise<{ child: ChildProcess; nextLine: () => Promise<string> }> {
  const child = spawn(process.execPath, [stallingConsumer, JSON.stringify({ url, durable, ackWaitMs, maxDeliver })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const nextLine = async () => {
    const line = await lines.next();
    if (line.done) throw new Error('the stalling consumer exited before saying what it does');
    return line.value;
  };
  assert.equal(await nextLine(), 'ready');
  return { child, nextLine };
}

async function killHard(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

describe('a consumer process killed mid-message', () => {
  let bus: TestBus;
  let publisher: EventPublisher;
  let child: ChildProcess | undefined;

  beforeEach(async () => {
    bus = await startTestBus();
    publisher = new EventPublisher(bus.nc, 'test');
  });
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) await killHard(child);
    await bus.close();
  });

  it('has its message redelivered after ack_wait to a new consumer, which processes it', { timeout: 30_000 }, async () => {
    const stalling = await startStallingConsumer(bus.server.url, 5);
    child = stalling.child;
    await publisher.publish(subject, checkpoint(1), { id: 'checkpoint:run-1:1' });
    assert.equal(await stalling.nextLine(), 'started checkpoint:run-1:1 1');
    await killHard(stalling.child);

    const deliveries: number[] = [];
    const consumer = await startDurableConsumer(bus.nc, {
      stream: streamNames.events,
      durable,
      subjects: [subject],
      ackWaitMs,
      maxDeliver: 5,
      logger: recordingLogger(),
      handler: async (_envelope, context) => void deliveries.push(context.deliveryCount),
    });
    await waitFor('the redelivered message to be processed', () => consumer.counts().processed === 1, 10_000);
    await consumer.stop();
    assert.deepEqual(deliveries, [2]);
    assert.equal(consumer.counts().redelivered, 1);
  });

  it('is dead-lettered when it was never acked in maxDeliver deliveries', { timeout: 30_000 }, async () => {
    const stalling = await startStallingConsumer(bus.server.url, 1);
    child = stalling.child;
    const published = await publisher.publish(subject, checkpoint(1), { id: 'checkpoint:run-1:1' });
    assert.equal(await stalling.nextLine(), 'started checkpoint:run-1:1 1');
    await killHard(stalling.child);

    let handled = 0;
    const consumer = await startDurableConsumer(bus.nc, {
      stream: streamNames.events,
      durable,
      subjects: [subject],
      ackWaitMs,
      maxDeliver: 1,
      logger: recordingLogger(),
      handler: async () => void handled++,
    });
    await waitFor('the dead letter', () => consumer.counts().deadLettered === 1, 10_000);
    await consumer.stop();
    assert.equal(handled, 0);
    const letters = await readDeadLetters(bus.nc, subject);
    assert.equal(letters.length, 1);
    assert.match(letters[0]?.reason ?? '', /delivered 1 times without an ack/);
    assert.equal(letters[0]?.deliveries, 1);
    const stored = JSON.parse(Buffer.from(letters[0]?.dataBase64 ?? '', 'base64').toString()) as { id: string };
    assert.equal(stored.id, 'checkpoint:run-1:1');
    assert.equal(published.seq, 1);
  });
});
