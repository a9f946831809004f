import type { DataSource, EntityManager } from 'typeorm';
import { isPostgres } from './data-source.js';

// TypeORM's SQLite driver has one connection: two transactions started concurrently on it
// would nest (the second becomes a savepoint of the first) and commit or roll back together.
// So SQLite transactions of one DataSource take turns; PostgreSQL ones each get a pooled connection.
const sqliteQueues = new WeakMap<DataSource, Promise<unknown>>();

/**
 * Runs `work` in a transaction: committed if it resolves, rolled back if it throws. Inside,
 * use only the given manager; starting another transaction on the same DataSource from
 * `work` would wait for itself on SQLite.
 */
export function runInTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (isPostgres(dataSource)) return dataSource.transaction(work);
  const previous = sqliteQueues.get(dataSource) ?? Promise.resolve();
  const result = previous.then(() => dataSource.transaction(work));
  sqliteQueues.set(dataSource, result.catch(() => undefined));
  return result;
}
