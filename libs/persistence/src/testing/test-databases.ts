// Fresh, real databases for this lib's tests: a SQLite file in a temp folder, or a new
// schema on the PostgreSQL server of TEST_DATABASE_URL. Nothing is mocked.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createDataSource, type DatabaseOptions } from '../data-source.js';
import { openDatabase, type MigrationMode } from '../open-database.js';

export type Backend = 'sqlite' | 'postgres';
export const backends: readonly Backend[] = ['sqlite', 'postgres'];

export const postgresTestUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  readonly backend: Backend;
  /** What openDatabase/createDataSource need to reach this database. */
  readonly options: DatabaseOptions;
  /** Opens it (again); the caller destroys the DataSource. */
  open(migrate?: MigrationMode): Promise<DataSource>;
  /** Deletes the SQLite folder or drops the PostgreSQL schema. */
  drop(): Promise<void>;
}

async function connectPostgresAdmin(): Promise<DataSource> {
  const admin = createDataSource({ url: postgresTestUrl });
  try {
    return await admin.initialize();
  } catch (error) {
    throw new Error(
      `PostgreSQL for the tests is unreachable at ${postgresTestUrl} (${error instanceof Error ? error.message : String(error)}). ` +
        'Start the local server with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start ' +
        '(or set TEST_DATABASE_URL to a server that accepts this user).',
      { cause: error },
    );
  }
}

function sqliteTestDatabase(): TestDatabase {
  const folder = mkdtempSync(join(tmpdir(), 'downscale-persistence-'));
  const options = { sqlitePath: join(folder, 'test.sqlite') };
  return {
    backend: 'sqlite',
    options,
    open: (migrate = 'run') => openDatabase({ ...options, migrate }),
    drop: async () => rmSync(folder, { recursive: true, force: true }),
  };
}

function postgresTestDatabase(): TestDatabase {
  const schema = `test_persistence_${process.pid}_${randomBytes(4).toString('hex')}`;
  const options = { url: postgresTestUrl, schema };
  let admin: Promise<DataSource> | undefined;
  return {
    backend: 'postgres',
    options,
    open: async (migrate = 'run') => {
      // Checked first so that an absent server fails with how to start it.
      admin ??= connectPostgresAdmin();
      await admin;
      return openDatabase({ ...options, migrate });
    },
    drop: async () => {
      const connection = await admin?.catch(() => undefined);
      if (!connection) return;
      await connection.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await connection.destroy();
    },
  };
}

/** A new empty database of the given kind. */
export function testDatabase(backend: Backend): TestDatabase {
  return backend === 'sqlite' ? sqliteTestDatabase() : postgresTestDatabase();
}
