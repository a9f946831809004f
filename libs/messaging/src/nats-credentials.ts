import { readFileSync } from 'node:fs';

/** What a NATS server with accounts asks of a client: a user and password, or a token. */
export interface NatsCredentials {
  user?: string;
  pass?: string;
  token?: string;
}

/** A secret from `NAME`, or from the file named by `NAME_FILE` (a mounted Kubernetes Secret). */
function secret(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const file = env[`${name}_FILE`];
  if (file === undefined || file === '') return env[name] || undefined;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new Error(`${name}_FILE=${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); mount the secret there or unset ${name}_FILE`, { cause: error });
  }
}

/**
 * Credentials from the environment: NATS_USER with NATS_PASSWORD (or NATS_PASSWORD_FILE), or
 * NATS_TOKEN (or NATS_TOKEN_FILE). None set: connect without credentials (the local stack).
 */
export function natsCredentialsFromEnv(env: NodeJS.ProcessEnv = process.env): NatsCredentials {
  const user = env.NATS_USER || undefined;
  const pass = secret(env, 'NATS_PASSWORD');
  const token = secret(env, 'NATS_TOKEN');
  if (user !== undefined && pass === undefined) throw new Error('NATS_USER is set without NATS_PASSWORD (or NATS_PASSWORD_FILE): set both, or neither');
  if (user === undefined && pass !== undefined) throw new Error('NATS_PASSWORD is set without NATS_USER: set both, or neither');
  if (user !== undefined && token !== undefined) throw new Error('both NATS_USER and NATS_TOKEN are set: a NATS client authenticates with one of them');
  return { ...(user !== undefined ? { user, pass } : {}), ...(token !== undefined ? { token } : {}) };
}
