import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DataSource } from 'typeorm';
import { Experiment } from '../entities/index.js';
import { revertLastMigration } from '../open-database.js';
import { backends, testDatabase, type TestDatabase } from '../testing/test-databases.js';

const row = (id: string, fields: Record<string, unknown> = {}) => ({
  id, created_at: '2026-12-01T00:00:00.000Z', experiment_id: 'exp', form: 'pure-power', variant: 'simplified', version: 1,
  inputs: '[]', parameters: '{}', intervals: '{}', residuals: '[]', run_ids: '[]', diagnostics: '{}', input_hash: 'a'.repeat(64), ...fields,
});

for (const backend of backends) {
  describe(`scaling_fit.axis migration on ${backend}`, () => {
    let database: TestDatabase;
    let dataSource: DataSource;

    before(async () => {
      database = testDatabase(backend);
      dataSource = await database.open('run');
    });
    after(async () => {
      if (dataSource?.isInitialized) await dataSource.destroy();
      await database.drop();
    });

    const axes = async () =>
      (await dataSource.query('SELECT id, axis FROM scaling_fit ORDER BY id')) as { id: string; axis: string }[];
    // Raw SQL: the entity describes the newest schema, not the one before this migration.
    const insert = (values: Record<string, unknown>) => {
      const names = Object.keys(values);
      const placeholders = names.map((_, i) => (backend === 'postgres' ? `$${i + 1}` : '?'));
      return dataSource.query(`INSERT INTO scaling_fit (${names.join(', ')}) VALUES (${placeholders.join(', ')})`, Object.values(values));
    };

    test('earlier fits become fits against params; one version number serves each axis; down keeps only params fits', async () => {
      const experiments = dataSource.getRepository(Experiment);
      await experiments.save(experiments.create({ id: 'exp', name: 'e', preset: 'custom', spec: {} as never, state: 'running' }));
      assert.equal(await revertLastMigration(dataSource), 'ScalingFitAxis1795996800000');
      await insert(row('old'));
      await dataSource.runMigrations({ transaction: 'each' });
      assert.deepEqual(await axes(), [{ id: 'old', axis: 'params' }]);

      await insert(row('tokens', { axis: 'tokens' }));
      await assert.rejects(insert(row('again', { axis: 'tokens' })), 'the same axis, form, variant and version twice');
      assert.equal(await revertLastMigration(dataSource), 'ScalingFitAxis1795996800000');
      assert.deepEqual(await dataSource.query('SELECT id FROM scaling_fit'), [{ id: 'old' }]);
      await dataSource.runMigrations({ transaction: 'each' });
    });
  });
}
