import { join } from 'node:path';
import { redactUrl } from '@downscale/contracts';
import { DataSource } from 'typeorm';
import { entities } from './entities/index.js';
import { migrations } from './migrations/index.js';
import { SnakeNamingStrategy } from './snake-naming-strategy.js';

export interface DatabaseOptions {
  /**
   * DATABASE_URL. A `postgres://` or `postgresql://` URL selects PostgreSQL; unset or blank
   * selects the embedded SQLite database.
   */
  url?: string;
  /** SQLite file, created with its folder if missing. Default `./.downscale/downscale.sqlite`. */
  sqlitePath?: string;
  /**
   * PostgreSQL schema holding the tables (openDatabase creates it if missing); default: the
   * server's current schema. Ignored by SQLite.
   */
  schema?: string;
  /** Log every SQL statement (TypeORM's logger). */
  logging?: boolean;
}

export const defaultSqlitePath = join('.downscale', 'downscale.sqlite');
/** How long a SQLite writer waits for another process's lock before failing with SQLITE_BUSY. */
export const sqliteBusyTimeoutMs = 10_000;

const postgresUrl = /^postgres(ql)?:\/\//i;
const schemaName = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

function isPostgresUrl(url: string): boolean {
  if (!postgresUrl.test(url)) return false;
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

function checkPostgresUrl(url: string): void {
  if (!isPostgresUrl(url)) {
    throw new Error(
      `invalid database URL "${redactUrl(url)}": expected postgres://user:password@host:5432/database ` +
        `(or postgresql://...), or no URL at all for the embedded SQLite database`,
    );
  }
}

function checkSchemaName(schema: string): void {
  if (!schemaName.test(schema)) {
    throw new Error(`invalid PostgreSQL schema name "${schema}": use letters, digits and underscores (at most 63, not starting with a digit)`);
  }
}

/**
 * A DataSource for PostgreSQL or SQLite with every entity and migration registered, not yet
 * initialized. synchronize is off: the schema only ever changes through migrations.
 */
export function createDataSource(options: DatabaseOptions = {}): DataSource {
  const common = {
    entities,
    migrations,
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    logging: options.logging ?? false,
  } as const;
  const url = options.url?.trim();
  if (url) {
    checkPostgresUrl(url);
    if (options.schema !== undefined) checkSchemaName(options.schema);
    return new DataSource({
      ...common,
      type: 'postgres',
      url,
      schema: options.schema,
      connectTimeoutMS: 10_000,
      // Raw SQL resolves unqualified names in the same schema as the entities do.
      extra: options.schema ? { options: `-c search_path=${options.schema}` } : {},
    });
  }
  return new DataSource({
    ...common,
    type: 'better-sqlite3',
    database: options.sqlitePath ?? defaultSqlitePath,
    enableWAL: true,
    timeout: sqliteBusyTimeoutMs,
    // Safe with WAL (a crash loses at most the last commits, never consistency) and much faster.
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      db.pragma('synchronous = NORMAL');
    },
  });
}

/** Which database a DataSource talks to, for messages: the SQLite path or the redacted URL. */
export function describeDataSource(dataSource: DataSource): string {
  const options = dataSource.options;
  if (options.type === 'postgres') return `PostgreSQL ${redactUrl(options.url ?? '')}${options.schema ? ` (schema ${options.schema})` : ''}`;
  return `SQLite ${String(options.database)}`;
}

export function isPostgres(dataSource: DataSource): boolean {
  return dataSource.options.type === 'postgres';
}
