import { redactUrl } from '@downscale/contracts';
import { ConnectionError, TimeoutError, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { natsCredentialsFromEnv, type NatsCredentials } from './nats-credentials.js';

export interface ConnectNatsOptions {
  /** One URL, or several for a cluster, e.g. `nats://127.0.0.1:4222`. */
  servers: string | string[];
  /** Shown in the server's connection list: use the service name. */
  name: string;
  /** Keep trying until a server answers instead of failing at once (services starting beside NATS). */
  waitOnFirstConnect?: boolean;
  /** Reconnect forever after a connection loss (default); false for one-shot probes. */
  reconnect?: boolean;
  /** Pause between reconnect attempts. */
  reconnectTimeWaitMs?: number;
  /** How long one connection attempt may take. */
  timeoutMs?: number;
  /** Default: from NATS_USER/NATS_PASSWORD or NATS_TOKEN (and their _FILE forms). */
  credentials?: NatsCredentials;
}

/**
 * Connects to NATS. Services reconnect forever: a NATS restart must not take them down, and
 * the JetStream consumers resume on their own once the connection is back.
 */
export async function connectNats(options: ConnectNatsOptions): Promise<NatsConnection> {
  const servers = Array.isArray(options.servers) ? options.servers : [options.servers];
  const reconnect = options.reconnect ?? true;
  const credentials = options.credentials ?? natsCredentialsFromEnv();
  try {
    return await connect({
      ...credentials,
      servers,
      name: options.name,
      reconnect,
      maxReconnectAttempts: reconnect ? -1 : 0,
      reconnectTimeWait: options.reconnectTimeWaitMs ?? 1_000,
      waitOnFirstConnect: options.waitOnFirstConnect ?? false,
      timeout: options.timeoutMs ?? 5_000,
    });
  } catch (error) {
    const at = servers.map(redactUrl).join(', ');
    if (/authorization violation|authentication/i.test((error as Error).message)) {
      throw new Error(
        `NATS at ${at} refused ${credentials.user ? `user ${JSON.stringify(credentials.user)}` : credentials.token ? 'the token' : 'a client without credentials'} ` +
          `(${(error as Error).message}): set NATS_USER and NATS_PASSWORD (or NATS_PASSWORD_FILE), or NATS_TOKEN, to this service's credentials`,
        { cause: error },
      );
    }
    if (error instanceof ConnectionError || error instanceof TimeoutError) {
      throw new Error(
        `no NATS server at ${at} (${error.message}): start one with "nats-server -js" ` +
          `(or "npm start", which starts one) or set NATS_URL`,
        { cause: error },
      );
    }
    throw error;
  }
}
