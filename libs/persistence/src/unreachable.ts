import { setTimeout as sleep } from 'node:timers/promises';

// Node socket errors of a server that is gone, restarting or cut off.
const socketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// SQLSTATE class 08 (connection exception) and the server shutting down or starting up.
const postgresCodes = /^(08...|57P01|57P02|57P03)$/;
// What node-postgres says when a connection ends or never comes (no code on these).
const postgresMessages = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection refused/i;

/**
 * Whether `error` says the database could not be reached (refused, reset, timed out, server
 * shutting down) rather than that it refused the statement: worth retrying unchanged.
 * Looks through TypeORM's QueryFailedError (driverError) and `cause` chains.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (socketCodes.has(code) || postgresCodes.test(code))) return true;
    if (typeof message === 'string' && postgresMessages.test(message)) return true;
    current = (current as { driverError?: unknown }).driverError ?? (current as { cause?: unknown }).cause;
  }
  return false;
}

export interface UnreachableRetryOptions {
  /** Stops retrying (rejects with the last error) once aborted: a shutdown does not wait for the database. */
  signal?: AbortSignal;
  /** Told before each wait. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** First wait, doubled up to maxDelayMs. Defaults 250 and 5000 ms. */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Runs `work`, and again after a growing pause for as long as it fails because the database is
 * unreachable; any other failure is rethrown at once. There is no attempt limit: an outage
 * ends or the caller's signal stops the wait. `work` must be safe to repeat (idempotent writes
 * or one transaction, which a lost connection rolls back).
 */
export async function retryWhileUnreachable<T>(work: () => Promise<T>, options: UnreachableRetryOptions = {}): Promise<T> {
  const { signal, onRetry, initialDelayMs = 250, maxDelayMs = 5_000 } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isDatabaseUnreachable(error) || signal?.aborted) throw error;
      const delayMs = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempt - 1, 20));
      onRetry?.(error, attempt, delayMs);
      try {
        await sleep(delayMs, undefined, signal ? { signal } : undefined);
      } catch {
        throw error;
      }
    }
  }
}
