import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ContractViolation, eventSubjects } from '@downscale/contracts';
import { jetstreamManager } from '@nats-io/jetstream';
import { EventPublisher } from './event-publisher.js';
import { streamNames } from './streams.js';
import { checkpoint, startTestBus, type TestBus } from './test-fixtures.js';

const subject = eventSubjects.checkpointSaved;

describe('event publisher', () => {
  let bus: TestBus;
  before(async () => (bus = await startTestBus()));
  after(() => bus.close());

  const storedEvents = async () => (await (await jetstreamManager(bus.nc)).streams.info(streamNames.events)).state.messages;

  it('refuses an invalid payload before anything is sent', { timeout: 10_000 }, async () => {
    const publisher = new EventPublisher(bus.nc, 'test');
    await assert.rejects(
      publisher.publish(subject, { ...checkpoint(1), sha256: 'xyz' }, { id: 'bad' }),
      (error: unknown) => error instanceof ContractViolation && /payload\.sha256/.test(error.message),
    );
    assert.equal(await storedEvents(), 0);
  });

  it('stores a re-publish with the same id once, saying it was a duplicate', { timeout: 10_000 }, async () => {
    const publisher = new EventPublisher(bus.nc, 'test');
    const first = await publisher.publish(subject, checkpoint(1), { id: 'checkpoint:run-1:1' });
    const again = await publisher.publish(subject, checkpoint(1), { id: 'checkpoint:run-1:1' });
    assert.equal(first.duplicate, false);
    assert.equal(again.duplicate, true);
    assert.equal(again.seq, first.seq);
    assert.equal(await storedEvents(), 1);
  });
});
