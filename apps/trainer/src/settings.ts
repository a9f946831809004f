import { parseServiceSettings } from '@downscale/service-kit';
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
  const settings = parseServiceSettings('trainer settings', environment, env, {
    check: (s) =>
      s.TRAINER_HEARTBEAT_MS >= s.TRAINER_LEASE_MS
        ? [`TRAINER_HEARTBEAT_MS=${s.TRAINER_HEARTBEAT_MS}: must be shorter than TRAINER_LEASE_MS (${s.TRAINER_LEASE_MS}), or a live worker's run looks abandoned`]
        : [],
  });
  return {
    jobAckWaitMs: settings.TRAINER_JOB_ACK_WAIT_MS,
    leaseMs: settings.TRAINER_LEASE_MS,
    heartbeatMs: settings.TRAINER_HEARTBEAT_MS,
    threads: settings.TRAINER_THREADS,
    concurrentJobs: settings.TRAINER_CONCURRENT_JOBS,
  };
}
