import { Controller, Inject, type Type } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/nats-core';
import { rpcSubjects, type HealthReport, type PingReply, type ServiceName } from '@downscale/contracts';
import type { DataSource } from 'typeorm';
import { checkHealth } from './health.js';
import { DATA_SOURCE, NATS_CONNECTION } from './tokens.js';

const startedAt = Date.now();

/** The request/reply endpoints every service answers; the subject carries the service name. */
export function rpcControllerFor(service: ServiceName, version: string): Type<unknown> {
  @Controller()
  class ServiceRpcController {
    constructor(
      @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
      @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    ) {}

    @MessagePattern(rpcSubjects.ping(service))
    ping(): PingReply {
      return { service, version, pid: process.pid, uptimeSeconds: (Date.now() - startedAt) / 1000 };
    }

    @MessagePattern(rpcSubjects.health(service))
    health(): Promise<HealthReport> {
      return checkHealth(service, this.nc, this.dataSource);
    }
  }
  return ServiceRpcController;
}
