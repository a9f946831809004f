import type { MetricPointPayload } from '@downscale/contracts';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { MetricPoint } from './entities/metric-point.js';
import { MetricPointWriter } from './metric-point-writer.js';
import { createExperiment, createRun } from './testing/fixtures.js';
import { backends, testDatabase, type TestDatabase } from './testing/test-databases.js';

function points(fromStep: number, count: number, trainLoss = 5): MetricPointPayload[] {
  return Array.from({ length: count }, (_, i) => ({
    step: fromStep + i,
    tokens: (fromStep + i) * 4096,
    flopsKaplan: (fromStep + i) * 1e12,
    trainLoss,
    learningRate: 3e-4,
  }));
}

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}

/** A writer whose timer never fires during a test: only size and explicit flushes write. */
const noTimer = { flushIntervalMs: 3_600_000 };

for (const backend of backends) {
  describe(`MetricPointWriter on ${backend}`, () => {
    let database: TestDatabase;
    let dataSource: DataSource;
    let experimentId: string;

    before(async () => {
      database = testDatabase(backend);
      dataSource = await database.open();
      experimentId = (await createExperiment(dataSource)).id;
    });
    after(async () => {
      if (dataSource?.isInitialized) await dataSource.destroy();
      await database.drop();
    });

    const count = (runId: string) => dataSource.getRepository(MetricPoint).countBy({ runId });

    test('writes once batchSize points are buffered, not before', async () => {
      const run = await createRun(dataSource, experimentId);
      const writer = new MetricPointWriter(dataSource, { ...noTimer, batchSize: 100 });
      writer.add(run.id, points(0, 99));
      await delay(50);
      assert.equal(await count(run.id), 0);
      writer.add(run.id, points(99, 1));
      await waitFor(async () => (await count(run.id)) === 100, 'the size-triggered batch');
      assert.equal(writer.pending, 0);
      await writer.close();
    });

    test('writes on the interval', async () => {
      const run = await createRun(dataSource, experimentId);
      const writer = new MetricPointWriter(dataSource, { batchSize: 1_000, flushIntervalMs: 30 });
      writer.add(run.id, points(0, 3));
      await waitFor(async () => (await count(run.id)) === 3, 'the interval flush');
      await writer.close();
    });

    test('a batch larger than one statement allows is split, and all of it is written', async () => {
      const run = await createRun(dataSource, experimentId);
      const writer = new MetricPointWriter(dataSource, { ...noTimer, batchSize: 1_000_000 });
      writer.add(run.id, points(0, 12_000));
      await writer.flush();
      assert.equal(await count(run.id), 12_000);
      await writer.close();
    });

    test('a re-sent (run, step) is ignored, within a batch and across batches', async () => {
      const run = await createRun(dataSource, experimentId);
      const writer = new MetricPointWriter(dataSource, { ...noTimer, batchSize: 1_000 });
      writer.add(run.id, points(0, 10, 5));
      writer.add(run.id, points(5, 10, 7)); // steps 5-9 again, in the same batch
      await writer.flush();
      writer.add(run.id, points(0, 20, 9)); // all again, in a later batch
      await writer.flush();
      const stored = await dataSource.getRepository(MetricPoint).find({ where: { runId: run.id }, order: { step: 'ASC' } });
      assert.deepEqual(
        stored.map((p) => p.step),
        Array.from({ length: 20 }, (_, i) => i),
      );
      // The first write of a step wins.
      assert.deepEqual(stored.slice(0, 10).map((p) => p.trainLoss), Array(10).fill(5));
      assert.deepEqual(stored.slice(10).map((p) => p.trainLoss), Array(5).fill(7).concat(Array(5).fill(9)));
      await writer.close();
    });

    test('close() writes everything added, including points added while a write runs', async () => {
      const run = await createRun(dataSource, experimentId);
      const writer = new MetricPointWriter(dataSource, { ...noTimer, batchSize: 500 });
      for (let step = 0; step < 5_000; step += 250) {
        writer.add(run.id, points(step, 250));
        if (step % 1_000 === 0) await delay(0);
      }
      await writer.close();
      assert.equal(await count(run.id), 5_000);
      assert.equal(writer.pending, 0);
      assert.throws(() => writer.add(run.id, points(5_000, 1)), /MetricPointWriter is closed/);
    });

    test('an invalid point is refused by add and queues nothing', async () => {
      const run = await createRun(dataSource, experimentId);
      const writer = new MetricPointWriter(dataSource, noTimer);
      assert.throws(() => writer.add(run.id, [...points(0, 2), { step: 2, tokens: 1, flopsKaplan: 1, trainLoss: Number.NaN }]), /step 2\): trainLoss must be a finite number/);
      assert.throws(() => writer.add(run.id, [{ step: -1, tokens: 0, flopsKaplan: 0 }]), /step must be a non-negative integer/);
      assert.equal(writer.pending, 0);
      await writer.close();
    });
  });

  describe(`MetricPointWriter on ${backend} when writes fail`, () => {
    let database: TestDatabase;
    let dataSource: DataSource;

    before(async () => {
      database = testDatabase(backend);
      // No migrations yet: the metric_point table does not exist.
      dataSource = await database.open('none');
    });
    after(async () => {
      if (dataSource?.isInitialized) await dataSource.destroy();
      await database.drop();
    });

    test('keeps the points buffered, rethrows from flush, and writes them on a later flush', async () => {
      const backgroundErrors: unknown[] = [];
      const writer = new MetricPointWriter(dataSource, { batchSize: 10, flushIntervalMs: 20, onBackgroundError: (e) => backgroundErrors.push(e) });
      writer.add('run-1', points(0, 25));
      await assert.rejects(writer.flush(), /metric_point/);
      await waitFor(async () => backgroundErrors.length > 0, 'a failed background write');
      assert.equal(writer.pending, 25);

      await dataSource.runMigrations();
      const experiment = await createExperiment(dataSource);
      await createRun(dataSource, experiment.id, { id: 'run-1' });
      writer.add('run-1', points(25, 5));
      await writer.close();
      assert.equal(await dataSource.getRepository(MetricPoint).countBy({ runId: 'run-1' }), 30);
      assert.equal(writer.pending, 0);
    });
  });
}
