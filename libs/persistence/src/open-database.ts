import { MigrationExecutor, type DataSource } from 'typeorm';
import { createDataSource, describeDataSource, isPostgres, type DatabaseOptions } from './data-source.js';

/**
 * What openDatabase does about the schema: `run` applies pending migrations (the CLI, tests,
 * the embedded stack); `verify` fails if any is pending (services, which must not race to
 * migrate); `none` does nothing (tools that migrate or revert themselves).
 */
export type MigrationMode = 'run' | 'verify' | 'none';

export interface OpenDatabaseOptions extends DatabaseOptions {
  /** Default `run`. */
  migrate?: MigrationMode;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function failIfMigrationsPending(dataSource: DataSource): Promise<void> {
  const pending = await new MigrationExecutor(dataSource).getPendingMigrations();
  if (pending.length > 0) {
    throw new Error(
      `the schema of ${describeDataSource(dataSource)} is not up to date: ${pending.length} migration(s) pending ` +
        `(${pending.map((m) => m.name).join(', ')}); apply them with "downscale migrate" before starting the service`,
    );
  }
}

/**
 * Connects (PostgreSQL for a postgres:// URL, else SQLite with WAL, foreign keys and a busy
 * timeout), creates the PostgreSQL schema if one is named, and handles migrations as
 * `migrate` says. The caller owns the result and must `destroy()` it.
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<DataSource> {
  const dataSource = createDataSource(options);
  try {
    await dataSource.initialize();
  } catch (error) {
    throw new Error(`cannot open ${describeDataSource(dataSource)}: ${reason(error)}`, { cause: error });
  }
  try {
    if (options.schema && isPostgres(dataSource)) await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
    const mode = options.migrate ?? 'run';
    if (mode === 'run') await dataSource.runMigrations({ transaction: 'each' });
    if (mode === 'verify') await failIfMigrationsPending(dataSource);
    return dataSource;
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}

/** Reverts the most recently applied migration; returns its name, or undefined if none was applied. */
export async function revertLastMigration(dataSource: DataSource): Promise<string | undefined> {
  // Newest first, the same order undoLastMigration picks from.
  const [last] = await new MigrationExecutor(dataSource).getExecutedMigrations();
  if (!last) return undefined;
  await dataSource.undoLastMigration({ transaction: 'each' });
  return last.name;
}
