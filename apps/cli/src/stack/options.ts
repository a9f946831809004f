import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultServicePortBase } from '@downscale/service-kit';

export interface StackOptions {
  home: string;
  natsUrl: string;
  databaseUrl: string | undefined;
  sqlitePath: string;
  dashboardPort: number;
  /** Services listen on base + 1..4 (corpus, trainer, evaluator, scaling). */
  servicePortBase: number;
}

export interface StackFlags {
  home?: string;
  natsUrl?: string;
  databaseUrl?: string;
  dashboardPort?: string;
  ports?: string;
}

/** Flags win over environment variables, which win over the embedded defaults. */
export function resolveStackOptions(flags: StackFlags, env: NodeJS.ProcessEnv = process.env): StackOptions {
  const home = resolve(flags.home ?? env.DOWNSCALE_HOME ?? '.downscale');
  mkdirSync(join(home, 'logs'), { recursive: true });
  const databaseUrl = flags.databaseUrl ?? env.DATABASE_URL;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\/\S+$/.test(databaseUrl)) {
    throw new Error(`--database-url / DATABASE_URL ${JSON.stringify(databaseUrl)} is not a postgres:// URL; leave it unset for the embedded SQLite database`);
  }
  const dashboardPort = parsePort('--dashboard-port', flags.dashboardPort ?? env.DASHBOARD_PORT ?? '3000', 65535);
  const servicePortBase = parsePort('--ports', flags.ports ?? env.DOWNSCALE_PORT_BASE ?? String(defaultServicePortBase), 65531);
  return {
    home,
    natsUrl: flags.natsUrl ?? env.NATS_URL ?? 'nats://127.0.0.1:4222',
    databaseUrl,
    sqlitePath: join(home, 'downscale.sqlite'),
    dashboardPort,
    servicePortBase,
  };
}

function parsePort(flag: string, value: string, max: number): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > max) throw new Error(`${flag} ${JSON.stringify(value)} must be a port number between 1 and ${max}`);
  return port;
}
