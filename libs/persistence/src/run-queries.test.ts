import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DataSource } from 'typeorm';
import { MetricPoint } from './entities/metric-point.js';
import { listRuns, loadMetricCurve } from './run-queries.js';
import { createExperiment, createRun } from './testing/fixtures.js';
import { backends, testDatabase, type TestDatabase } from './testing/test-databases.js';

type PointValues = Partial<Pick<MetricPoint, 'trainLoss' | 'evalLoss'>>;

async function insertPoints(dataSource: DataSource, runId: string, byStep: Record<number, PointValues>): Promise<void> {
  const rows = Object.entries(byStep).map(([step, values]) => ({
    runId,
    step: Number(step),
    tokens: Number(step) * 100,
    flopsKaplan: Number(step) * 1e9,
    trainLoss: values.trainLoss ?? null,
    evalLoss: values.evalLoss ?? null,
  }));
  await dataSource.getRepository(MetricPoint).insert(rows);
}

for (const backend of backends) {
  describe(`run queries on ${backend}`, () => {
    let database: TestDatabase;
    let dataSource: DataSource;
    let experimentA: string;
    let experimentB: string;
    const runs = { early: '', middle: '', late: '' };

    before(async () => {
      database = testDatabase(backend);
      dataSource = await database.open();
      experimentA = (await createExperiment(dataSource, 'A')).id;
      experimentB = (await createExperiment(dataSource, 'B')).id;
      runs.early = (await createRun(dataSource, experimentA, { createdAt: new Date('2026-11-28T10:00:00Z') })).id;
      runs.middle = (await createRun(dataSource, experimentA, { createdAt: new Date('2026-11-28T11:00:00Z') })).id;
      runs.late = (await createRun(dataSource, experimentB, { createdAt: new Date('2026-11-28T12:00:00Z') })).id;
      // Inserted out of step order; the last step has an eval loss but no train loss, and
      // the best eval loss is not the last one.
      await insertPoints(dataSource, runs.early, {
        30: { evalLoss: 3.4 },
        10: { trainLoss: 6.0, evalLoss: 5.9 },
        20: { trainLoss: 4.5, evalLoss: 3.1 },
        0: { trainLoss: 9.0 },
        25: { trainLoss: 4.2 },
      });
      await insertPoints(dataSource, runs.middle, { 0: { trainLoss: 8.0 }, 1: { trainLoss: 7.5 } });
    });
    after(async () => {
      if (dataSource?.isInitialized) await dataSource.destroy();
      await database.drop();
    });

    test('listRuns: newest first, each with last step, last train loss and best eval loss', async () => {
      const listed = await listRuns(dataSource);
      assert.deepEqual(
        listed.map((r) => [r.id, r.lastStep, r.lastTrainLoss, r.bestEvalLoss]),
        [
          [runs.late, null, null, null],
          [runs.middle, 1, 7.5, null],
          [runs.early, 30, 4.2, 3.1],
        ],
      );
      // They are whole runs, not just summaries.
      assert.equal(listed[2]?.paramsTotal, 5_000_000_000);
      assert.ok(listed[2]?.createdAt instanceof Date);
    });

    test('listRuns: filtered by experiment', async () => {
      assert.deepEqual(
        (await listRuns(dataSource, { experimentId: experimentA })).map((r) => r.id),
        [runs.middle, runs.early],
      );
      assert.deepEqual((await listRuns(dataSource, { experimentId: experimentB })).map((r) => r.id), [runs.late]);
      assert.deepEqual(await listRuns(dataSource, { experimentId: 'no-such-experiment' }), []);
    });

    test('loadMetricCurve: the whole curve in step order', async () => {
      const curve = await loadMetricCurve(dataSource, runs.early);
      assert.deepEqual(
        curve.map((p) => p.step),
        [0, 10, 20, 25, 30],
      );
      assert.ok(curve.every((p) => p instanceof MetricPoint && p.runId === runs.early));
      assert.deepEqual(await loadMetricCurve(dataSource, runs.late), []);
    });

    test('loadMetricCurve: an inclusive step range, or one end of it', async () => {
      const steps = async (range: { fromStep?: number; toStep?: number }) => (await loadMetricCurve(dataSource, runs.early, range)).map((p) => p.step);
      assert.deepEqual(await steps({ fromStep: 10, toStep: 25 }), [10, 20, 25]);
      assert.deepEqual(await steps({ fromStep: 21 }), [25, 30]);
      assert.deepEqual(await steps({ toStep: 10 }), [0, 10]);
      assert.deepEqual(await steps({ fromStep: 31 }), []);
    });
  });
}
