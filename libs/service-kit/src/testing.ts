/** Helpers for services' integration tests: a private NATS, a migrated SQLite home, polling. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DurableSubject, PayloadOf } from '@downscale/contracts';
import { connectNats, startDurableConsumer, startNatsServer, streamNames, type NatsServerProcess } from '@downscale/messaging';
import { createDataSource, openDatabase } from '@downscale/persistence';
import { startService, type RunningService, type ServiceDefinition } from './bootstrap.js';
export { spawnService, type ServiceProcess } from './service-process.js';
export { startOutageProxy, type OutageProxy } from './outage-proxy.js';

/** The PostgreSQL server of the tests (trust auth on loopback; TEST_DATABASE_URL overrides). */
export const postgresTestUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export interface PostgresTestDatabase {
  /** DATABASE_URL of the new, migrated database. */
  url: string;
  /** Drops the database (closing whatever is still connected to it). */
  drop(): Promise<void>;
}

/** A database of its own on the tests' PostgreSQL server, migrated, for services given its URL as DATABASE_URL. */
export async function createPostgresTestDatabase(prefix: string): Promise<PostgresTestDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = await createDataSource({ url: postgresTestUrl }).initialize();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(postgresTestUrl);
  url.pathname = `/${name}`;
  await (await openDatabase({ url: url.toString(), migrate: 'run' })).destroy();
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    },
  };
}

/** Polls `attempt` until it returns a value (errors count as "not yet"). */
export async function eventually<T>(what: string, timeoutMs: number, attempt: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await attempt().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export interface TestStack {
  nats: NatsServerProcess;
  home: string;
  /** Environment for startService: this NATS, this home, a free port, quiet logs (DOWNSCALE_TEST_LOG_LEVEL=info to see them). */
  env: NodeJS.ProcessEnv;
  start(definition: ServiceDefinition): Promise<RunningService>;
  /** Closes the services started here, NATS, and removes the home. */
  close(): Promise<void>;
}

export async function startTestStack(): Promise<TestStack> {
  const nats = await startNatsServer();
  const home = mkdtempSync(join(tmpdir(), 'downscale-test-'));
  const env = { NATS_URL: nats.url, DOWNSCALE_HOME: home, HTTP_PORT: '0', LOG_LEVEL: process.env.DOWNSCALE_TEST_LOG_LEVEL ?? 'silent' };
  await (await openDatabase({ sqlitePath: join(home, 'downscale.sqlite'), migrate: 'run' })).destroy();
  const services: RunningService[] = [];
  return {
    nats,
    home,
    env,
    start: async (definition) => {
      const service = await startService(definition, env);
      services.push(service);
      return service;
    },
    close: async () => {
      for (const service of services.reverse()) await service.close();
      await nats.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export interface EventCollector<S extends DurableSubject> {
  /** Payloads received so far, in order. */
  readonly events: PayloadOf<S>[];
  close(): Promise<void>;
}

/** Collects the payloads published on a durable event subject (its own connection and consumer). */
export async function collectEvents<S extends DurableSubject>(natsUrl: string, subject: S): Promise<EventCollector<S>> {
  const nc = await connectNats({ servers: natsUrl, name: `test-collect-${subject}` });
  const events: PayloadOf<S>[] = [];
  const consumer = await startDurableConsumer(nc, {
    stream: streamNames.events,
    durable: `test-collect-${subject.replaceAll('.', '-')}`,
    subjects: [subject],
    handler: async (envelope) => void events.push(envelope.payload as PayloadOf<S>),
  });
  return {
    events,
    close: async () => {
      await consumer.stop();
      await nc.close();
    },
  };
}
