import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DataSource } from 'typeorm';
import { openDatabase, revertLastMigration } from '../open-database.js';
import { migrations } from './index.js';
import { backends, testDatabase, type TestDatabase } from '../testing/test-databases.js';

for (const backend of backends) {
  describe(`migrations on ${backend}`, () => {
    let database: TestDatabase;
    let dataSource: DataSource;

    before(async () => {
      database = testDatabase(backend);
      dataSource = await database.open('none');
    });
    after(async () => {
      if (dataSource?.isInitialized) await dataSource.destroy();
      await database.drop();
    });

    async function existingTables(): Promise<string[]> {
      const queryRunner = dataSource.createQueryRunner();
      try {
        const present: string[] = [];
        for (const metadata of dataSource.entityMetadatas) {
          if (await queryRunner.hasTable(metadata.tableName)) present.push(metadata.tableName);
        }
        return present;
      } finally {
        await queryRunner.release();
      }
    }

    test('verify mode refuses a database with pending migrations, naming them', async () => {
      await assert.rejects(
        openDatabase({ ...database.options, migrate: 'verify' }),
        new RegExp(`not up to date: ${migrations.length} migration\\(s\\) pending \\(InitialSchema\\d+`),
      );
    });

    test('up creates every table, down removes them all, up again recreates them', async () => {
      assert.deepEqual(await existingTables(), []);
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      assert.equal(applied.length, migrations.length);
      assert.equal((await existingTables()).length, dataSource.entityMetadatas.length);

      // Newest first, down to the initial schema, which removes every table.
      for (const migration of [...migrations].reverse()) {
        assert.equal(await revertLastMigration(dataSource), new migration().name);
      }
      assert.deepEqual(await existingTables(), []);
      assert.equal(await revertLastMigration(dataSource), undefined);

      await dataSource.runMigrations({ transaction: 'each' });
      assert.equal((await existingTables()).length, dataSource.entityMetadatas.length);
    });

    test('the migrated schema is exactly what the entities describe', async () => {
      const diff = await dataSource.driver.createSchemaBuilder().log();
      assert.deepEqual(
        diff.upQueries.map((q) => q.query),
        [],
        'entities and migrations disagree: write a migration for these changes',
      );
    });

    test('verify mode accepts the migrated database', async () => {
      const verified = await openDatabase({ ...database.options, migrate: 'verify' });
      await verified.destroy();
    });
  });
}
