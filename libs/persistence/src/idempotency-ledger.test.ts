import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { DataSource, EntityManager } from 'typeorm';
import { Experiment } from './entities/experiment.js';
import { ProcessedEvent } from './entities/processed-event.js';
import { IdempotencyLedger } from './idempotency-ledger.js';
import { backends, testDatabase, type TestDatabase } from './testing/test-databases.js';

for (const backend of backends) {
  describe(`IdempotencyLedger on ${backend}`, () => {
    let database: TestDatabase;
    let dataSource: DataSource;
    let ledger: IdempotencyLedger;

    before(async () => {
      database = testDatabase(backend);
      dataSource = await database.open();
      ledger = new IdempotencyLedger(dataSource);
    });
    after(async () => {
      if (dataSource?.isInitialized) await dataSource.destroy();
      await database.drop();
    });

    /** An effect that records an experiment named `name` and counts its calls. */
    function effect(name: string) {
      const calls = { count: 0 };
      const run = async (manager: EntityManager) => {
        calls.count += 1;
        await manager.save(manager.create(Experiment, { name, preset: 'demo', spec: {} as Experiment['spec'], state: 'created' }));
      };
      return { calls, run };
    }

    const experiments = (name: string) => dataSource.getRepository(Experiment).countBy({ name });
    const recorded = (consumer: string, eventKey: string) => dataSource.getRepository(ProcessedEvent).existsBy({ consumer, eventKey });

    test('applies an event once; the second delivery is a duplicate and does not run the effect', async () => {
      const first = effect('once');
      assert.equal(await ledger.runOnce('evaluator', 'ck-1:blimp', first.run), 'applied');
      const second = effect('once');
      assert.equal(await ledger.runOnce('evaluator', 'ck-1:blimp', second.run), 'duplicate');
      assert.equal(second.calls.count, 0);
      assert.equal(await experiments('once'), 1);
      // Keys are per consumer.
      assert.equal(await ledger.runOnce('scaling', 'ck-1:blimp', effect('other consumer').run), 'applied');
    });

    test('a failing effect is rolled back, records nothing, and can be retried', async () => {
      const failing = async (manager: EntityManager) => {
        await effect('rolled back').run(manager);
        throw new Error('scoring failed');
      };
      await assert.rejects(ledger.runOnce('evaluator', 'ck-2:blimp', failing), /scoring failed/);
      assert.equal(await experiments('rolled back'), 0);
      assert.equal(await recorded('evaluator', 'ck-2:blimp'), false);
      assert.equal(await ledger.runOnce('evaluator', 'ck-2:blimp', effect('retried').run), 'applied');
      assert.equal(await experiments('retried'), 1);
    });

    test('concurrent deliveries of one event: one applies, the other is a duplicate, one effect', async () => {
      const slow = effect('concurrent');
      const slowRun = async (manager: EntityManager) => {
        await slow.run(manager);
        await delay(100);
      };
      const outcomes = await Promise.all([ledger.runOnce('evaluator', 'ck-3:blimp', slowRun), ledger.runOnce('evaluator', 'ck-3:blimp', slowRun)]);
      assert.deepEqual(outcomes.sort(), ['applied', 'duplicate']);
      assert.equal(slow.calls.count, 1);
      assert.equal(await experiments('concurrent'), 1);
    });

    test("the effect's own unique violation is its failure, not a duplicate", async () => {
      const clash = async (manager: EntityManager) => {
        await manager.insert(ProcessedEvent, { consumer: 'evaluator', eventKey: 'ck-1:blimp', processedAt: new Date() });
      };
      await assert.rejects(ledger.runOnce('evaluator', 'ck-4:blimp', clash));
      assert.equal(await recorded('evaluator', 'ck-4:blimp'), false);
    });
  });
}
