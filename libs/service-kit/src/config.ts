import { resolve } from 'node:path';
import { z } from 'zod';
import { redactUrl, serviceNames, type ServiceName } from '@downscale/contracts';
import { natsCredentialsFromEnv, type NatsCredentials } from '@downscale/messaging';

export const defaultServicePortBase = 4100;

/** HTTP port (health, metrics) of a service when the services run side by side: base + 1..4. */
export function servicePort(service: ServiceName, base = defaultServicePortBase): number {
  return base + serviceNames.indexOf(service) + 1;
}

const natsUrl = z
  .string()
  .refine((v) => v.split(',').every((u) => /^(nats|tls|ws|wss):\/\/[^\s/]+/.test(u.trim())), {
    message: 'must be a NATS URL such as nats://127.0.0.1:4222 (several may be given, comma-separated)',
  });

const databaseUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\/\S+$/.test(v), {
    message: 'must be a postgres:// URL; leave DATABASE_URL unset to use the embedded SQLite database',
  });

const port = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535 (0 picks a free port)')
  .max(65535, 'must be between 0 and 65535 (0 picks a free port)');

const environment = z.object({
  NATS_URL: natsUrl.default('nats://127.0.0.1:4222'),
  DATABASE_URL: databaseUrl.optional(),
  DOWNSCALE_HOME: z.string().min(1).default('.downscale'),
  ARTIFACT_ROOT: z.string().min(1).optional(),
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  HTTP_PORT: port.optional(),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number({ error: 'must be a number' }).int().positive('must be a positive number of milliseconds').default(30_000),
  // JetStream keeps a stream on at most 5 servers; a cluster of 3 wants 3, one server 1.
  NATS_STREAM_REPLICAS: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be between 1 and 5').max(5, 'must be between 1 and 5').default(1),
});

export interface ServiceConfig {
  service: ServiceName;
  natsServers: string[];
  /** This service's NATS user (cluster mode: each service may use only its own subjects). */
  natsCredentials: NatsCredentials;
  /** PostgreSQL when set; otherwise SQLite at `sqlitePath`. */
  databaseUrl: string | undefined;
  sqlitePath: string;
  home: string;
  /** Tokenizers, corpora and checkpoints: a folder, shared by all services (a volume in a cluster). */
  artifactRoot: string;
  httpHost: string;
  httpPort: number;
  logLevel: z.infer<typeof environment>['LOG_LEVEL'];
  shutdownTimeoutMs: number;
  /** Copies of each JetStream stream (the number of NATS servers in a cluster, at most 5). */
  streamReplicas: number;
}

/** Lists every bad environment variable at once, with its value and what is expected. */
export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: string[],
  ) {
    super(`invalid configuration for the ${service} service:\n  ${problems.join('\n  ')}\nFix these environment variables and start again (README: Configuration).`);
    this.name = 'ConfigError';
  }
}

export function loadServiceConfig(service: ServiceName, env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      const value = env[name];
      return `${name}=${JSON.stringify(typeof value === 'string' ? redactUrl(value) : value)}: ${issue.message}`;
    });
    throw new ConfigError(service, problems);
  }
  let natsCredentials: NatsCredentials;
  try {
    natsCredentials = natsCredentialsFromEnv(env);
  } catch (error) {
    throw new ConfigError(service, [(error as Error).message]);
  }
  const e = parsed.data;
  const home = resolve(e.DOWNSCALE_HOME);
  return {
    service,
    natsServers: e.NATS_URL.split(',').map((u) => u.trim()),
    natsCredentials,
    databaseUrl: e.DATABASE_URL,
    sqlitePath: resolve(home, 'downscale.sqlite'),
    home,
    artifactRoot: resolve(home, e.ARTIFACT_ROOT ?? 'artifacts'),
    httpHost: e.HTTP_HOST,
    httpPort: e.HTTP_PORT ?? servicePort(service),
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    streamReplicas: e.NATS_STREAM_REPLICAS,
  };
}

/** Options for Nest's NATS transport (server and client): never give up reconnecting. */
function rpcGracePeriodMs(config: ServiceConfig): number {
  return Math.min(1_000, Math.floor(config.shutdownTimeoutMs / 4));
}

export function natsTransportOptions(config: ServiceConfig, role: 'rpc' | 'bus') {
  return {
    ...config.natsCredentials,
    servers: config.natsServers,
    name: `${config.service}-${role}`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1_000,
    // Nest's graceful shutdown unsubscribes, then sleeps the whole grace period whatever is in
    // flight: keep it short (RPC handlers answer in milliseconds) so shutdown is not always slow.
    ...(role === 'rpc' ? { queue: config.service, gracefulShutdown: true, gracePeriod: rpcGracePeriodMs(config) } : {}),
  };
}
