import type { DataSource } from 'typeorm';

const roleName = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Gives the services' PostgreSQL role what they need and no more: read and write rows of the
 * schema's tables (now and those later migrations create), but no DDL. Migrations run as the
 * schema's owner; a service that is compromised cannot drop or alter a table. The role must
 * exist (ops create it with its password, deploy/README.md).
 */
export async function grantServiceRole(dataSource: DataSource, role: string): Promise<void> {
  if (dataSource.options.type !== 'postgres') throw new Error('a service role is a PostgreSQL notion: the embedded SQLite database has no users');
  if (!roleName.test(role)) throw new Error(`invalid PostgreSQL role name "${role}": use letters, digits and underscores (at most 63, not starting with a digit)`);
  const [{ schema }] = (await dataSource.query('SELECT current_schema() AS schema')) as [{ schema: string }];
  const exists = (await dataSource.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])) as unknown[];
  if (exists.length === 0) throw new Error(`PostgreSQL role "${role}" does not exist: create it first (CREATE ROLE ${role} LOGIN PASSWORD '…'), then migrate again`);
  await dataSource.transaction(async (manager) => {
    for (const statement of [
      `GRANT USAGE ON SCHEMA "${schema}" TO "${role}"`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "${schema}" TO "${role}"`,
      `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "${schema}" TO "${role}"`,
      `ALTER DEFAULT PRIVILEGES IN SCHEMA "${schema}" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "${role}"`,
      `ALTER DEFAULT PRIVILEGES IN SCHEMA "${schema}" GRANT USAGE, SELECT ON SEQUENCES TO "${role}"`,
    ]) {
      await manager.query(statement);
    }
  });
}
