import { grantServiceRole, openDatabase, revertLastMigration } from '@downscale/persistence';
import type { StackOptions } from '../stack/options.js';

/**
 * Applies pending migrations (or reverts the last one) on the configured database; with a
 * service role (PostgreSQL), grants it row access to every table and nothing more, so the
 * services can run as a user that cannot change the schema.
 */
export async function migrate(options: StackOptions, revert: boolean, serviceRole?: string): Promise<string> {
  const dataSource = await openDatabase({ url: options.databaseUrl, sqlitePath: options.sqlitePath, migrate: revert ? 'none' : 'run' });
  try {
    if (revert) {
      const reverted = await revertLastMigration(dataSource);
      return reverted ? `reverted migration ${reverted}` : 'nothing to revert';
    }
    if (serviceRole) await grantServiceRole(dataSource, serviceRole);
    const granted = serviceRole ? `; role ${serviceRole} may read and write rows, not change the schema` : '';
    return `database schema is up to date (${options.databaseUrl ? 'PostgreSQL' : options.sqlitePath})${granted}`;
  } finally {
    await dataSource.destroy();
  }
}
