import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { redactUrl } from '@downscale/contracts';
import { defaultServicePortBase } from '@downscale/service-kit';

export interface StackOptions {
  home: string;
  natsUrl: string;
  databaseUrl: string | undefined;
  sqlitePath: string;
  dashboardPort: number;
  /** Services listen on base + 1..4 (corpus, trainer, evaluator, scaling), more trainers on base + 5... */
  servicePortBase: number;
  /** Trainer processes sharing the job queue. */
  trainers: number;
  /** Evaluator processes sharing the checkpoint events. */
  evaluators: number;
}

export interface StackFlags {
  home?: string;
  natsUrl?: string;
  databaseUrl?: string;
  dashboardPort?: string;
  ports?: string;
  trainers?: string;
  evaluators?: string;
  /** `cluster`: several trainers and 2 evaluators on PostgreSQL, the distributed topology on one machine. */
  topology?: string;
}

/** Flags win over environment variables, which win over the embedded defaults. */
export function resolveStackOptions(flags: StackFlags, env: NodeJS.ProcessEnv = process.env): StackOptions {
  const home = resolve(flags.home ?? env.DOWNSCALE_HOME ?? '.downscale');
  mkdirSync(join(home, 'logs'), { recursive: true });
  const databaseUrl = flags.databaseUrl ?? env.DATABASE_URL;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\/\S+$/.test(databaseUrl)) {
    throw new Error(`--database-url / DATABASE_URL ${JSON.stringify(redactUrl(databaseUrl))} is not a postgres:// URL; leave it unset for the embedded SQLite database`);
  }
  const dashboardPort = parsePort('--dashboard-port', flags.dashboardPort ?? env.DASHBOARD_PORT ?? '3000', 65535);
  const servicePortBase = parsePort('--ports', flags.ports ?? env.DOWNSCALE_PORT_BASE ?? String(defaultServicePortBase), 65500);
  const topology = flags.topology ?? 'local';
  if (topology !== 'local' && topology !== 'cluster') throw new Error(`--topology ${JSON.stringify(topology)}: use local or cluster`);
  if (topology === 'cluster' && databaseUrl === undefined) {
    throw new Error('--topology cluster runs its services against one PostgreSQL: pass --database-url postgres://… (or set DATABASE_URL)');
  }
  // One run trains on one core; the evaluator and the rest share what is left, hence at most 4 by default.
  const trainers = processCount('--trainers', flags.trainers ?? env.DOWNSCALE_TRAINERS ?? String(Math.min(4, availableParallelism())));
  // Two evaluators even locally: when training ends, the checkpoints still to score use both cores.
  const evaluators = processCount('--evaluators', flags.evaluators ?? (topology === 'cluster' ? '2' : String(Math.min(2, availableParallelism()))));
  return {
    home,
    natsUrl: flags.natsUrl ?? env.NATS_URL ?? 'nats://127.0.0.1:4222',
    databaseUrl,
    sqlitePath: join(home, 'downscale.sqlite'),
    dashboardPort,
    servicePortBase,
    trainers,
    evaluators,
  };
}

function processCount(flag: string, value: string): number {
  const count = Number(value);
  if (!/^\d+$/.test(value) || count < 1 || count > 16) throw new Error(`${flag} ${JSON.stringify(value)} must be a whole number between 1 and 16`);
  return count;
}

function parsePort(flag: string, value: string, max: number): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > max) throw new Error(`${flag} ${JSON.stringify(value)} must be a port number between 1 and ${max}`);
  return port;
}
