import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source.js';
import { Experiment } from './entities/index.js';
import { openDatabase } from './open-database.js';
import { grantServiceRole } from './service-role.js';
import { postgresTestUrl } from './testing/test-databases.js';

/** The same server as another user or database (trust auth on the test server: no password). */
function urlAs(user: string, database: string): string {
  const url = new URL(postgresTestUrl);
  url.username = user;
  url.password = '';
  url.pathname = `/${database}`;
  return url.toString();
}

describe('the services\' PostgreSQL role', () => {
  const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const database = `role_test_${suffix}`;
  const role = `svc_${suffix}`;
  let admin: DataSource;
  let owner: DataSource;
  let service: DataSource;

  before(async () => {
    admin = await createDataSource({ url: postgresTestUrl }).initialize();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.query(`CREATE ROLE ${role} LOGIN`);
    owner = await openDatabase({ url: urlAs(new URL(postgresTestUrl).username || 'postgres', database), migrate: 'run' });
  });

  after(async () => {
    if (service?.isInitialized) await service.destroy();
    if (owner?.isInitialized) await owner.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.destroy();
  });

  it('refuses a role that does not exist or is not a name, saying what to do', async () => {
    await assert.rejects(grantServiceRole(owner, 'no_such_role_here'), /role "no_such_role_here" does not exist: create it first/);
    await assert.rejects(grantServiceRole(owner, 'x; DROP TABLE run'), /invalid PostgreSQL role name/);
  });

  it('reads and writes rows of every table, and can change none of them', async () => {
    await grantServiceRole(owner, role);
    service = await openDatabase({ url: urlAs(role, database), migrate: 'verify' });
    const experiments = service.getRepository(Experiment);
    await experiments.save(experiments.create({ name: 'granted', preset: 'demo', spec: {}, state: 'created' }));
    assert.equal((await experiments.findOneByOrFail({ name: 'granted' })).preset, 'demo');
    await experiments.delete({ name: 'granted' });

    await assert.rejects(service.query('DROP TABLE run'), /must be owner/);
    await assert.rejects(service.query('ALTER TABLE run ADD COLUMN x integer'), /must be owner/);
    await assert.rejects(service.query('CREATE TABLE intruder (a integer)'), /permission denied for schema public/);
  });
});
