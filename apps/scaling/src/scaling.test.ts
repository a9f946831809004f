import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventSubjects, type FitUpdated } from '@downscale/contracts';
import { connectNats, EventPublisher, streamNames } from '@downscale/messaging';
import { Experiment, MetricPoint, openDatabase, Run, ScalingFit } from '@downscale/persistence';
import { collectEvents, eventually, startTestStack, type EventCollector, type TestStack } from '@downscale/service-kit';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { DataSource } from 'typeorm';
import { ScalingModule } from './scaling.module.js';

const experimentId = 'exp-scaling';
// The law the runs follow: L(N) = E + A / N^alpha.
const truth = { E: 1.5, A: 40, alpha: 0.3 };
const lossAt = (n: number) => truth.E + truth.A / n ** truth.alpha;

describe('scaling service: refits as runs complete', () => {
  let stack: TestStack;
  let db: DataSource;
  let nc: NatsConnection;
  let publisher: EventPublisher;
  let watcher: EventCollector<typeof eventSubjects.fitUpdated>;
  let fitEvents: FitUpdated[];

  async function completedRun(id: string, params: number): Promise<void> {
    await db.getRepository(Run).save(
      db.getRepository(Run).create({
        id,
        experimentId,
        config: { training: { tokenBudget: 1_000_000 } },
        hiddenSize: 64,
        layers: 2,
        paramsTotal: params * 2,
        paramsNonEmbedding: params,
        variant: 'simplified',
        seed: 0,
        state: 'completed',
      }),
    );
    const points = db.getRepository(MetricPoint);
    await points.save([
      points.create({ runId: id, step: 10, tokens: 500_000, flopsKaplan: 1, evalLoss: lossAt(params) + 1 }),
      points.create({ runId: id, step: 20, tokens: 1_000_000, flopsKaplan: 2, evalLoss: lossAt(params) }),
    ]);
  }

  before(async () => {
    stack = await startTestStack();
    db = await openDatabase({ sqlitePath: join(stack.home, 'downscale.sqlite'), migrate: 'none' });
    await db.getRepository(Experiment).save(db.getRepository(Experiment).create({ id: experimentId, name: 'scaling test', preset: 'custom', spec: {} as never, state: 'running' }));
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

  const fits = () => db.getRepository(ScalingFit).find({ where: { experimentId }, order: { form: 'ASC', version: 'ASC' } });

  it('fits nothing while too few sizes have completed', async () => {
    await completedRun('run-a', 1e4);
    await completedRun('run-b', 1e5);
    await publisher.publish(eventSubjects.runStateChanged, { runId: 'run-b', state: 'completed', at: new Date().toISOString() }, { id: 'state:run-b' });
    await eventually('the event to be consumed', 10_000, async () => ((await watcherIdle()) ? true : undefined));
    assert.deepEqual(await fits(), []);
  });

  it('fits both single-variable laws once four sizes completed, recovering the law, and publishes fit.updated', async () => {
    await completedRun('run-c', 1e6);
    await completedRun('run-d', 1e7);
    await publisher.publish(eventSubjects.runStateChanged, { runId: 'run-d', state: 'completed', at: new Date().toISOString() }, { id: 'state:run-d' });
    const stored = await eventually('two fits', 30_000, async () => ((await fits()).length === 2 ? fits() : undefined));
    assert.deepEqual(stored.map((f) => [f.form, f.variant, f.version]), [['power-plus-constant', 'simplified', 1], ['pure-power', 'simplified', 1]]);
    const saturating = stored[0]!;
    assert.ok(Math.abs(saturating.parameters['alpha']! - truth.alpha) < 0.01, JSON.stringify(saturating.parameters));
    assert.ok(Math.abs(saturating.parameters['E']! - truth.E) < 0.05, JSON.stringify(saturating.parameters));
    assert.deepEqual(saturating.runIds.sort(), ['run-a', 'run-b', 'run-c', 'run-d']);
    assert.ok((saturating.diagnostics['r2LogSpace'] as number) > 0.99);
    const [low, high] = saturating.intervals['alpha']!;
    assert.ok(low <= saturating.parameters['alpha']! && saturating.parameters['alpha']! <= high);
    const events = await eventually('two fit.updated events', 10_000, async () => (fitEvents.length >= 2 ? fitEvents : undefined));
    assert.deepEqual(events.map((e) => e.fitId).sort(), stored.map((f) => f.id).sort());
  });

  it('adds no version for an event about unchanged runs, and a new version when a run is added', async () => {
    await publisher.publish(eventSubjects.evalCompleted, { checkpointId: 'ck', runId: 'run-a', task: 'copa', taskVersion: 'original', n: 10, acc: 0.5 }, { id: 'eval:1' });
    await eventually('the event to be consumed', 10_000, async () => ((await watcherIdle()) ? true : undefined));
    assert.deepEqual((await fits()).map((f) => f.version), [1, 1]);
    await completedRun('run-e', 1e8);
    await publisher.publish(eventSubjects.runStateChanged, { runId: 'run-e', state: 'completed', at: new Date().toISOString() }, { id: 'state:run-e' });
    const stored = await eventually('version 2', 30_000, async () => ((await fits()).length === 4 ? fits() : undefined));
    assert.deepEqual(stored.map((f) => f.version), [1, 2, 1, 2]);
    assert.equal(stored[1]!.runIds.length, 5);
  });

  /** True once the scaling service's consumers have nothing pending. */
  async function watcherIdle(): Promise<boolean> {
    const jsm = await jetstreamManager(nc);
    for (const durable of ['scaling-refit-on-eval', 'scaling-refit-on-run-state']) {
      const info = await jsm.consumers.info(streamNames.events, durable);
      if (info.num_pending > 0 || info.num_ack_pending > 0) return false;
    }
    return true;
  }
});
