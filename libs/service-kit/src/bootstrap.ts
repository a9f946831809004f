import 'reflect-metadata';
import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { redactUrl, type ServiceName } from '@downscale/contracts';
import { connectNats, ensureStreams } from '@downscale/messaging';
import { openDatabase } from '@downscale/persistence';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { loadServiceConfig, natsTransportOptions, type ServiceConfig } from './config.js';
import { NestJsonLogger, createJsonLogger } from './logger.js';
import { createMetricsRegistry } from './metrics.js';
import { serviceRootModule } from './service-kit.module.js';

export interface ServiceDefinition {
  service: ServiceName;
  /** The service's own Nest module: its controllers, consumers and providers. */
  feature: Type<unknown>;
  version?: string;
}

export interface RunningService {
  app: INestApplication;
  config: ServiceConfig;
  /** Base URL of the HTTP endpoints (health, metrics). */
  url: string;
  logger: Logger;
  close(): Promise<void>;
}

/**
 * Opens NATS (streams ensured) and the database, then starts the Nest app with the NATS
 * transport for request/reply and HTTP for health and metrics. The database must already
 * be migrated (`downscale migrate`, run by `downscale up` and by the Kubernetes Job), so
 * that several services never race to migrate one SQLite file.
 */
export async function startService(definition: ServiceDefinition, env: NodeJS.ProcessEnv = process.env): Promise<RunningService> {
  const config = loadServiceConfig(definition.service, env);
  const logger = createJsonLogger(definition.service, config.logLevel);
  const nc = await connectNats({ servers: config.natsServers, name: definition.service, credentials: config.natsCredentials });
  const dataSource = await openDatabase({ url: config.databaseUrl, sqlitePath: config.sqlitePath, migrate: 'verify' }).catch(
    async (error: unknown) => {
      await nc.close();
      throw error;
    },
  );
  try {
    await ensureStreams(nc, { replicas: config.streamReplicas });
    const resources = { config, version: definition.version ?? '0.1.0', nc, dataSource, logger, metrics: createMetricsRegistry(definition.service) };
    const app = await NestFactory.create(serviceRootModule(resources, definition.feature), {
      logger: new NestJsonLogger(logger),
      abortOnError: false,
    });
    app.connectMicroservice<MicroserviceOptions>(
      { transport: Transport.NATS, options: natsTransportOptions(config, 'rpc') },
      { inheritAppConfig: true },
    );
    await app.startAllMicroservices();
    await app.listen(config.httpPort, config.httpHost);
    const { port } = app.getHttpServer().address() as AddressInfo;
    const url = `http://${config.httpHost}:${port}`;
    logger.info({ url, nats: config.natsServers.map(redactUrl), database: config.databaseUrl ? redactUrl(config.databaseUrl) : config.sqlitePath }, 'service ready');
    return { app, config, url, logger, close: () => app.close() };
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await nc.close();
    throw error;
  }
}

/**
 * runService for a feature module built from the service's own settings, read from the
 * environment first: a bad setting exits 1 with its reason, as a failed start does.
 */
export async function runServiceWithSettings<S>(service: ServiceName, loadSettings: () => S, feature: (settings: S) => Type<unknown>): Promise<void> {
  let settings: S;
  try {
    settings = loadSettings();
  } catch (error) {
    process.stderr.write(`${service} service failed to start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  await runService({ service, feature: feature(settings) });
}

/**
 * The entry point of a service process: starts it, and on SIGTERM/SIGINT stops taking
 * work, lets in-flight work finish (bounded by SHUTDOWN_TIMEOUT_MS) and exits.
 */
export async function runService(definition: ServiceDefinition): Promise<void> {
  let running: RunningService;
  try {
    running = await startService(definition);
  } catch (error) {
    process.stderr.write(`${definition.service} service failed to start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const deadline = setTimeout(() => {
      running.logger.error(`shutdown took longer than ${running.config.shutdownTimeoutMs} ms (SHUTDOWN_TIMEOUT_MS); exiting anyway`);
      process.exit(1);
    }, running.config.shutdownTimeoutMs);
    deadline.unref();
    running.logger.info(`received ${signal}, shutting down`);
    await running.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
