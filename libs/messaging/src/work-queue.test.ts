import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { jobSubjects } from '@downscale/contracts';
import { jetstreamManager } from '@nats-io/jetstream';
import { startDurableConsumer, type DurableConsumerHandle } from './durable-consumer.js';
import { EventPublisher } from './event-publisher.js';
import { streamNames } from './streams.js';
import { recordingLogger, startTestBus, trainingJob, waitFor, type TestBus } from './test-fixtures.js';

describe('training jobs on the work-queue stream', () => {
  let bus: TestBus;
  before(async () => (bus = await startTestBus()));
  after(() => bus.close());

  it('are shared by workers on one durable, each job processed once, and removed once done', { timeout: 30_000 }, async () => {
    const publisher = new EventPublisher(bus.nc, 'test');
    const done: { worker: string; runId: string }[] = [];
    const startWorker = async (worker: string): Promise<DurableConsumerHandle> =>
      startDurableConsumer(await bus.connect(worker), {
        stream: streamNames.jobs,
        durable: 'trainer',
        subjects: [jobSubjects.trainingJob],
        logger: recordingLogger(),
        handler: async (envelope) => {
          await delay(50);
          done.push({ worker, runId: envelope.payload.runId });
        },
      });
    const runIds = Array.from({ length: 12 }, (_, i) => `run-${i + 1}`);
    for (const runId of runIds) await publisher.publish(jobSubjects.trainingJob, trainingJob(runId), { id: `job:${runId}` });
    const [a, b] = await Promise.all([startWorker('worker-a'), startWorker('worker-b')]);

    await waitFor('all jobs to be done', () => done.length === runIds.length);
    assert.deepEqual(done.map((d) => d.runId).sort(), [...runIds].sort());
    assert.ok(done.some((d) => d.worker === 'worker-a') && done.some((d) => d.worker === 'worker-b'), 'both workers took jobs');

    // A worker that stops while idle must not leave a pull behind that swallows the next job.
    await a.stop();
    for (const runId of ['run-13', 'run-14', 'run-15']) await publisher.publish(jobSubjects.trainingJob, trainingJob(runId), { id: `job:${runId}` });
    await waitFor('the remaining worker to take the new jobs', () => done.length === 15, 5_000);
    await b.stop();
    assert.deepEqual(done.slice(12).map((d) => d.worker), ['worker-b', 'worker-b', 'worker-b']);
    assert.equal(new Set(done.map((d) => d.runId)).size, 15);

    const { state } = await (await jetstreamManager(bus.nc)).streams.info(streamNames.jobs);
    assert.equal(state.messages, 0, 'a work queue keeps no acked job');
  });
});
