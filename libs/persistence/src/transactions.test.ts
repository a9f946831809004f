import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { DataSource, EntityManager } from 'typeorm';
import { Experiment } from './entities/experiment.js';
import { backends, testDatabase, type TestDatabase } from './testing/test-databases.js';
import { runInTransaction } from './transactions.js';

for (const backend of backends) {
  describe(`runInTransaction on ${backend}`, () => {
    let database: TestDatabase;
    let dataSource: DataSource;

    before(async () => {
      database = testDatabase(backend);
      dataSource = await database.open();
    });
    after(async () => {
      if (dataSource?.isInitialized) await dataSource.destroy();
      await database.drop();
    });

    test('concurrent transactions stay apart: one rolling back does not undo the other', async () => {
      const insert = (manager: EntityManager, name: string) =>
        manager.save(manager.create(Experiment, { name, preset: 'demo', spec: {} as Experiment['spec'], state: 'created' }));
      const failing = runInTransaction(dataSource, async (manager) => {
        await insert(manager, 'discarded');
        await delay(50);
        throw new Error('rolled back on purpose');
      });
      const succeeding = runInTransaction(dataSource, (manager) => insert(manager, 'kept'));
      await Promise.all([assert.rejects(failing, /rolled back on purpose/), succeeding]);
      const count = (name: string) => dataSource.getRepository(Experiment).countBy({ name });
      assert.deepEqual([await count('kept'), await count('discarded')], [1, 0]);
    });
  });
}
