import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import type { HealthReport } from '@downscale/contracts';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, NATS_CONNECTION, SERVICE_CONFIG } from './tokens.js';
import type { ServiceConfig } from './config.js';

const probeTimeoutMs = 2_000;

async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function probe(what: string, check: () => Promise<string>): Promise<{ ok: boolean; detail: string }> {
  try {
    return { ok: true, detail: await within(probeTimeoutMs, what, check()) };
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  }
}

/** Checks the two things a service cannot work without: NATS and its database. */
export async function checkHealth(service: string, nc: NatsConnection, dataSource: DataSource): Promise<HealthReport> {
  const [nats, database] = await Promise.all([
    probe('NATS', async () => {
      if (nc.isClosed()) throw new Error('NATS connection is closed');
      const rtt = await nc.rtt();
      return `connected to ${nc.getServer()}, rtt ${rtt.toFixed(1)} ms`;
    }),
    probe('database', async () => {
      if (!dataSource.isInitialized) throw new Error('database is not initialised');
      await dataSource.query('SELECT 1');
      return `${dataSource.options.type} reachable`;
    }),
  ]);
  return { service, status: nats.ok && database.ok ? 'ok' : 'degraded', checks: { nats, database } };
}

interface StatusResponse {
  status(code: number): unknown;
}

@Controller('health')
export class HealthController {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  /** Readiness: 200 when NATS and the database answer, 503 otherwise. */
  @Get()
  async readiness(@Res({ passthrough: true }) response: StatusResponse): Promise<HealthReport> {
    const report = await checkHealth(this.config.service, this.nc, this.dataSource);
    response.status(report.status === 'ok' ? 200 : 503);
    return report;
  }

  /** Liveness: the process answers; dependencies are readiness's concern. */
  @Get('live')
  liveness() {
    return { service: this.config.service, status: 'ok' };
  }
}
