import { openDatabase, revertLastMigration } from '@downscale/persistence';
import type { StackOptions } from '../stack/options.js';

/** Applies pending migrations (or reverts the last one) on the configured database. */
export async function migrate(options: StackOptions, revert: boolean): Promise<string> {
  const dataSource = await openDatabase({ url: options.databaseUrl, sqlitePath: options.sqlitePath, migrate: revert ? 'none' : 'run' });
  try {
    if (revert) {
      const reverted = await revertLastMigration(dataSource);
      return reverted ? `reverted migration ${reverted}` : 'nothing to revert';
    }
    return `database schema is up to date (${options.databaseUrl ? 'PostgreSQL' : options.sqlitePath})`;
  } finally {
    await dataSource.destroy();
  }
}
