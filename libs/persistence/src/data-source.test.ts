import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createDataSource, defaultSqlitePath, sqliteBusyTimeoutMs } from './data-source.js';
import { openDatabase } from './open-database.js';
import { testDatabase } from './testing/test-databases.js';

describe('createDataSource', () => {
  test('a postgres:// or postgresql:// URL selects PostgreSQL', () => {
    for (const url of ['postgres://u:p@db:5432/downscale', 'postgresql://u@db/downscale', '  POSTGRES://db/x  ']) {
      const options = createDataSource({ url }).options;
      assert.equal(options.type, 'postgres', url);
    }
  });

  test('no URL (or a blank one) selects SQLite, by default in .downscale/', () => {
    for (const url of [undefined, '', '   ']) {
      const options = createDataSource({ url }).options;
      assert.equal(options.type, 'better-sqlite3');
      assert.equal(options.database, defaultSqlitePath);
    }
    assert.equal(defaultSqlitePath, join('.downscale', 'downscale.sqlite'));
  });

  test('schema changes only through migrations', () => {
    for (const options of [{}, { url: 'postgres://db/x' }]) {
      assert.equal(createDataSource(options).options.synchronize, false);
    }
  });

  test('an unsupported URL fails naming the value (password hidden) and the accepted forms', () => {
    for (const url of ['mysql://root:hunter2@db/x', 'sqlite:///tmp/x.db', 'postgres://[bad']) {
      assert.throws(
        () => createDataSource({ url }),
        (error: Error) => {
          assert.match(error.message, /^invalid database URL "/);
          assert.match(error.message, /postgres:\/\/user:password@host:5432\/database/);
          assert.match(error.message, /postgresql:\/\//);
          assert.doesNotMatch(error.message, /hunter2/);
          return true;
        },
      );
    }
    assert.throws(() => createDataSource({ url: 'mysql://root:hunter2@db/x' }), /"mysql:\/\/root:\*\*\*@db\/x"/);
  });

  test('an invalid PostgreSQL schema name is refused before it reaches SQL', () => {
    assert.throws(() => createDataSource({ url: 'postgres://db/x', schema: 'x"; drop table run; --' }), /invalid PostgreSQL schema name/);
  });
});

describe('openDatabase on SQLite', () => {
  test('creates the folder, and turns on WAL, foreign keys and the busy timeout', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'downscale-persistence-'));
    const sqlitePath = join(folder, 'nested', 'deeper', 'downscale.sqlite');
    const dataSource = await openDatabase({ sqlitePath });
    try {
      assert.ok(existsSync(sqlitePath));
      assert.deepEqual(await dataSource.query('PRAGMA journal_mode'), [{ journal_mode: 'wal' }]);
      assert.deepEqual(await dataSource.query('PRAGMA foreign_keys'), [{ foreign_keys: 1 }]);
      assert.deepEqual(await dataSource.query('PRAGMA busy_timeout'), [{ timeout: sqliteBusyTimeoutMs }]);
    } finally {
      await dataSource.destroy();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('openDatabase on PostgreSQL', () => {
  test('creates the named schema and keeps every table in it', async () => {
    const database = testDatabase('postgres');
    const dataSource = await database.open();
    try {
      const schema = database.options.schema;
      const rows: Array<{ table_name: string }> = await dataSource.query(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
        [schema],
      );
      const tables = rows.map((r) => r.table_name);
      for (const metadata of dataSource.entityMetadatas) assert.ok(tables.includes(metadata.tableName), metadata.tableName);
      // Raw SQL sees the same schema (search_path), not public.
      assert.deepEqual(await dataSource.query('SELECT current_schema() AS schema'), [{ schema }]);
    } finally {
      await dataSource.destroy();
      await database.drop();
    }
  });

  test('an unreachable server fails naming the database', async () => {
    await assert.rejects(openDatabase({ url: 'postgres://nobody:secret@127.0.0.1:1/none' }), (error: Error) => {
      assert.match(error.message, /^cannot open PostgreSQL postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none: /);
      return true;
    });
  });
});
