import { z } from 'zod';

/** The trainer's own settings, read from the environment. */
export interface TrainerSettings {
  /**
   * How long a training job may go without an ack or a progress signal before JetStream hands
   * it to another worker: the time to notice a worker that died (kill -9, lost machine).
   */
  readonly jobAckWaitMs: number;
  /** A run whose heartbeat is younger than this is being trained by another worker. */
  readonly leaseMs: number;
  /** How often a training worker renews its run's heartbeat. */
  readonly heartbeatMs: number;
  /**
   * Data-parallel threads per run. 1 by default: `downscale up` already starts a trainer per
   * core; a pod with several cores and one trainer gives it more.
   */
  readonly threads: number;
  /** Training jobs one trainer runs at once (default 1); more suits a GPU that small runs leave idle. */
  readonly concurrentJobs: number;
}

export const defaultTrainerSettings: TrainerSettings = { jobAckWaitMs: 60_000, leaseMs: 90_000, heartbeatMs: 15_000, threads: 1, concurrentJobs: 1 };

const count = (fallback: number, max: number) =>
  z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(max, `must be at most ${max}`).default(fallback);

const milliseconds = (fallback: number) =>
  z.coerce.number({ error: 'must be a number' }).int('must be a whole number of milliseconds').min(100, 'must be at least 100 (milliseconds)').default(fallback);

const environment = z.object({
  TRAINER_JOB_ACK_WAIT_MS: milliseconds(defaultTrainerSettings.jobAckWaitMs),
  TRAINER_LEASE_MS: milliseconds(defaultTrainerSettings.leaseMs),
  TRAINER_HEARTBEAT_MS: milliseconds(defaultTrainerSettings.heartbeatMs),
  TRAINER_THREADS: count(defaultTrainerSettings.threads, 64),
  TRAINER_CONCURRENT_JOBS: count(defaultTrainerSettings.concurrentJobs, 64),
});

/** Reads the settings, naming every bad variable at once. */
export function loadTrainerSettings(env: NodeJS.ProcessEnv = process.env): TrainerSettings {
  const parsed = environment.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${String(issue.path[0])}=${JSON.stringify(env[String(issue.path[0])])}: ${issue.message}`);
  if (parsed.success && parsed.data.TRAINER_HEARTBEAT_MS >= parsed.data.TRAINER_LEASE_MS) {
    problems.push(`TRAINER_HEARTBEAT_MS=${parsed.data.TRAINER_HEARTBEAT_MS}: must be shorter than TRAINER_LEASE_MS (${parsed.data.TRAINER_LEASE_MS}), or a live worker's run looks abandoned`);
  }
  if (!parsed.success || problems.length > 0) {
    throw new Error(`invalid trainer settings:\n  ${problems.join('\n  ')}\nFix these environment variables and start again (README: Configuration).`);
  }
  return {
    jobAckWaitMs: parsed.data.TRAINER_JOB_ACK_WAIT_MS,
    leaseMs: parsed.data.TRAINER_LEASE_MS,
    heartbeatMs: parsed.data.TRAINER_HEARTBEAT_MS,
    threads: parsed.data.TRAINER_THREADS,
    concurrentJobs: parsed.data.TRAINER_CONCURRENT_JOBS,
  };
}
