import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventSubjects, progressSubjects, refitOutcome, type FitUpdated } from '@downscale/contracts';
import { connectNats, EventPublisher, streamNames } from '@downscale/messaging';
import { openDatabase, ScalingFit } from '@downscale/persistence';
import { collectEvents, eventually, startTestStack, type EventCollector, type TestStack } from '@downscale/service-kit';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { DataSource } from 'typeorm';
import { ScalingModule } from './scaling.module.js';
import { everyLaw, lossAt, seedCompletedRun, seedExperiment, truth } from './test-fixtures.js';

const experimentId = 'exp-scaling';
const tokenCounts = [100_000, 200_000, 500_000, 1_000_000];

describe('scaling service: refits as runs complete', () => {
  let stack: TestStack;
  let db: DataSource;
  let nc: NatsConnection;
  let publisher: EventPublisher;
  let watcher: EventCollector<typeof eventSubjects.fitUpdated>;
  let fitEvents: FitUpdated[];

  const completedRun = (id: string, params: number) => seedCompletedRun(db, experimentId, id, params, tokenCounts);

  before(async () => {
    stack = await startTestStack();
    db = await openDatabase({ sqlitePath: join(stack.home, 'downscale.sqlite'), migrate: 'none' });
    await seedExperiment(db, experimentId);
    await stack.start({ service: 'scaling', feature: ScalingModule });
    nc = await connectNats({ servers: stack.nats.url, name: 'scaling-test' });
    publisher = new EventPublisher(nc, 'test');
    watcher = await collectEvents(stack.nats.url, eventSubjects.fitUpdated);
    fitEvents = watcher.events;
  });

  after(async () => {
    await watcher?.close();
    await nc?.close();
    await db?.destroy();
    await stack?.close();
  });

  const fits = () => db.getRepository(ScalingFit).find({ where: { experimentId }, order: { axis: 'ASC', form: 'ASC', version: 'ASC' } });
  const law = (fit: ScalingFit) => `${fit.axis} ${fit.form}`;

  it('fits nothing while too few sizes have completed', async () => {
    await completedRun('run-a', 1e4);
    await completedRun('run-b', 1e5);
    await publisher.publish(eventSubjects.runStateChanged, { runId: 'run-b', state: 'completed', at: new Date().toISOString() }, { id: 'state:run-b' });
    await eventually('the event to be consumed', 10_000, async () => ((await watcherIdle()) ? true : undefined));
    assert.deepEqual(await fits(), []);
  });

  it('fits every law once four sizes completed, recovering the truth, with the frontier, and publishes fit.updated for each', async () => {
    await completedRun('run-c', 1e6);
    await completedRun('run-d', 1e7);
    await publisher.publish(eventSubjects.runStateChanged, { runId: 'run-d', state: 'completed', at: new Date().toISOString() }, { id: 'state:run-d' });
    const stored = await eventually('nine fits', 60_000, async () => ((await fits()).length === everyLaw.length ? fits() : undefined));
    assert.deepEqual(stored.map(law), everyLaw);
    assert.ok(stored.every((f) => f.version === 1 && f.variant === 'simplified'));
    const fit = (name: string) => stored.find((f) => law(f) === name)!;

    // Final losses against N: E absorbs the data term at the full token budget.
    const saturating = fit('params power-plus-constant');
    assert.ok(Math.abs(saturating.parameters['alpha']! - truth.alpha) < 0.01, JSON.stringify(saturating.parameters));
    assert.ok(Math.abs(saturating.parameters['E']! - lossAt(Infinity, tokenCounts.at(-1)!)) < 0.05, JSON.stringify(saturating.parameters));
    assert.deepEqual(saturating.runIds.sort(), ['run-a', 'run-b', 'run-c', 'run-d']);
    assert.ok((saturating.diagnostics['r2LogSpace'] as number) > 0.99);
    const [low, high] = saturating.intervals['alpha']!;
    assert.ok(low !== null && high !== null && low <= saturating.parameters['alpha']! && saturating.parameters['alpha']! <= high);

    const joint = fit('params+tokens joint-chinchilla');
    assert.deepEqual(joint.inputs, ['params', 'tokens']);
    for (const name of ['E', 'alpha', 'beta'] as const) {
      assert.ok(Math.abs(joint.parameters[name]! - truth[name]) < 0.02 * truth[name], `${name}: ${JSON.stringify(joint.parameters)}`);
    }
    assert.equal(joint.residuals.length, 16, 'four curve points per run, the step-0 evaluation left out');
    assert.ok(Array.isArray(joint.diagnostics['computeOptimal']));
    assert.ok(Array.isArray(fit('compute pure-power').diagnostics['frontier']));
    // Pure power against N is checked on the three smaller runs predicting the largest; the other laws need a fifth size.
    assert.equal(typeof (fit('params pure-power').diagnostics['heldOutExtrapolation'] as { meanAbsoluteRelativeError?: number }).meanAbsoluteRelativeError, 'number');
    assert.match(String((joint.diagnostics['heldOutExtrapolation'] as { skipped?: string }).skipped), /needs 4 model sizes/);

    const events = await eventually('nine fit.updated events', 10_000, async () => (fitEvents.length >= everyLaw.length ? fitEvents : undefined));
    assert.deepEqual(events.map((e) => e.fitId).sort(), stored.map((f) => f.id).sort());
  });

  it('adds no version for an event about unchanged runs, and a new version when a run is added', async () => {
    await publisher.publish(eventSubjects.evalCompleted, { checkpointId: 'ck', runId: 'run-a', task: 'copa', taskVersion: 'original', n: 10, acc: 0.5 }, { id: 'eval:1' });
    await eventually('the event to be consumed', 10_000, async () => ((await watcherIdle()) ? true : undefined));
    assert.ok((await fits()).every((f) => f.version === 1));
    await completedRun('run-e', 1e8);
    await publisher.publish(eventSubjects.runStateChanged, { runId: 'run-e', state: 'completed', at: new Date().toISOString() }, { id: 'state:run-e' });
    const pure = await eventually('version 2', 60_000, async () => (await fits()).find((f) => law(f) === 'params pure-power' && f.version === 2));
    assert.equal(pure.runIds.length, 5);
    const joint = await eventually('joint version 2', 60_000, async () => (await fits()).find((f) => f.form === 'joint-chinchilla' && f.version === 2));
    assert.equal(typeof (joint.diagnostics['heldOutExtrapolation'] as { meanAbsoluteRelativeError?: number }).meanAbsoluteRelativeError, 'number');
  });

  it('refits on request and answers with what it did', async () => {
    await eventually('the refits to settle', 60_000, async () => ((await watcherIdle()) ? true : undefined));
    const answers = nc.subscribe(progressSubjects.refit('req-1'), { max: 1, timeout: 60_000 });
    await publisher.publish(eventSubjects.fitRequested, { experimentId, requestId: 'req-1' }, { id: 'refit:req-1' });
    for await (const message of answers) {
      assert.deepEqual(refitOutcome.parse(message.json()), { experimentId, stored: 0, unchanged: everyLaw.length, skipped: [] });
    }
  });

  /** True once the scaling service's consumers have nothing pending. */
  async function watcherIdle(): Promise<boolean> {
    const jsm = await jetstreamManager(nc);
    for (const durable of ['scaling-refit-on-eval', 'scaling-refit-on-run-state', 'scaling-refit-on-request']) {
      const info = await jsm.consumers.info(streamNames.events, durable);
      if (info.num_pending > 0 || info.num_ack_pending > 0) return false;
    }
    return true;
  }
});
