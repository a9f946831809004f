import { Inject, Module, type DynamicModule, type OnApplicationShutdown, type Type } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { ArtifactStore } from '@downscale/artifacts';
import { EventPublisher } from '@downscale/messaging';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { natsTransportOptions, type ServiceConfig } from './config.js';
import { HealthController } from './health.js';
import { MetricsController } from './metrics.js';
import { rpcControllerFor } from './rpc.js';
import { ConsumerHost } from './consumers.js';
import { ARTIFACT_STORE, DATA_SOURCE, EVENT_PUBLISHER, LOGGER, METRICS_REGISTRY, NATS_CONNECTION, SERVICE_BUS, SERVICE_CONFIG } from './tokens.js';

/** What bootstrap opened before Nest started; the module hands them to the app and closes them. */
export interface ServiceResources {
  config: ServiceConfig;
  version: string;
  nc: NatsConnection;
  dataSource: DataSource;
  logger: Logger;
  metrics: Registry;
}

class ResourceCloser implements OnApplicationShutdown {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Runs after controllers and consumers stopped: drain flushes what is still buffered. */
  async onApplicationShutdown(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain().catch((error: Error) => this.logger.warn({ err: error }, 'NATS drain failed'));
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    this.logger.info('resources closed');
  }
}

@Module({})
export class ServiceKitModule {
  /** Shared resources, health, metrics and ping for one service, visible to its feature module. */
  static register(resources: ServiceResources): DynamicModule {
    const { config } = resources;
    return {
      module: ServiceKitModule,
      global: true,
      imports: [
        ClientsModule.register([
          { name: SERVICE_BUS, transport: Transport.NATS, options: natsTransportOptions(config, 'bus') },
        ]),
      ],
      controllers: [HealthController, MetricsController, rpcControllerFor(config.service, resources.version)],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: NATS_CONNECTION, useValue: resources.nc },
        { provide: DATA_SOURCE, useValue: resources.dataSource },
        { provide: LOGGER, useValue: resources.logger },
        { provide: METRICS_REGISTRY, useValue: resources.metrics },
        { provide: EVENT_PUBLISHER, useValue: new EventPublisher(resources.nc, config.service) },
        { provide: ARTIFACT_STORE, useValue: new ArtifactStore(config.artifactRoot) },
        ConsumerHost,
        ResourceCloser,
      ],
      exports: [SERVICE_CONFIG, NATS_CONNECTION, DATA_SOURCE, LOGGER, METRICS_REGISTRY, EVENT_PUBLISHER, ARTIFACT_STORE, ConsumerHost, ClientsModule],
    };
  }
}

@Module({})
class ServiceRootModule {}

/** The app's root: the kit plus the service's own feature module. */
export function serviceRootModule(resources: ServiceResources, feature: Type<unknown>): DynamicModule {
  return { module: ServiceRootModule, imports: [ServiceKitModule.register(resources), feature] };
}
