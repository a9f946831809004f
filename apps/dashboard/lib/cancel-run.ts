// Cancelling a running run from the dashboard: the contract's cancel command on core NATS,
// which the trainer training the run obeys (it stops at its next step and records the run
// as cancelled, with the reason). Server only, like create-experiment.ts.
import { cancelRun, controlSubjects } from '@downscale/contracts';
import type * as Messaging from '@downscale/messaging';
import { loadRun } from './database';
import { natsServers } from './live';

const messaging = (): Promise<typeof Messaging> => import(/* webpackIgnore: true */ /* turbopackIgnore: true */ '@downscale/messaging');

export type CancelOutcome = { ok: true } | { ok: false; error: string };

/** Sends the cancel command for `runId` if it is running; `by` names who asked, in the reason the run keeps. */
export async function cancelRunningRun(runId: string, by: string): Promise<CancelOutcome> {
  const command = cancelRun.safeParse({ runId, reason: `cancelled from the dashboard by ${by}` });
  if (!command.success) return { ok: false, error: `not a run id: ${command.error.issues[0]?.message ?? 'invalid'}` };
  const run = await loadRun(runId);
  if (!run.ok) return { ok: false, error: run.error };
  if (!run.value) return { ok: false, error: `there is no run ${runId}` };
  // Only a trainer that is training the run can stop it: a queued run has none yet.
  if (run.value.state !== 'running') return { ok: false, error: `run ${runId} is ${run.value.state}: only a running run can be cancelled` };
  const { connectNats } = await messaging();
  let nc: Awaited<ReturnType<typeof connectNats>>;
  try {
    nc = await connectNats({ servers: natsServers(), name: 'dashboard-writer', reconnect: false, timeoutMs: 3_000 });
  } catch (error) {
    return { ok: false, error: `NATS is unreachable, so the cancel was not sent: ${(error as Error).message}` };
  }
  try {
    nc.publish(controlSubjects.cancelRun, JSON.stringify(command.data));
    await nc.flush();
    return { ok: true };
  } catch (error) {
    return { ok: false, error: `the cancel could not be sent: ${(error as Error).message}` };
  } finally {
    await nc.close().catch(() => undefined);
  }
}
