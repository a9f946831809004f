// Cancelling a queued or running run from the dashboard: the contract's cancel command, sent as
// a request by @downscale/messaging's requestRunCancel, which says what the answering trainer
// did or why none answered. Server only, like create-experiment.ts.
import { cancelRun, type CancelRunReply } from '@downscale/contracts';
import type * as Messaging from '@downscale/messaging';
import { loadRun } from './database';
import { natsServers } from './live';

const messaging = (): Promise<typeof Messaging> => import(/* webpackIgnore: true */ /* turbopackIgnore: true */ '@downscale/messaging');

export type CancelOutcome = { ok: true; outcome: CancelRunReply['outcome'] } | { ok: false; error: string };

/** Sends the cancel command for `runId` if it is queued or running; `by` names who asked, in the reason the run keeps. */
export async function cancelRunFromDashboard(runId: string, by: string): Promise<CancelOutcome> {
  const command = cancelRun.safeParse({ runId, reason: `cancelled from the dashboard by ${by}` });
  if (!command.success) return { ok: false, error: `not a run id: ${command.error.issues[0]?.message ?? 'invalid'}` };
  const run = await loadRun(runId);
  if (!run.ok) return { ok: false, error: run.error };
  if (!run.value) return { ok: false, error: `there is no run ${runId}` };
  if (run.value.state !== 'running' && run.value.state !== 'queued') return { ok: false, error: `run ${runId} is ${run.value.state}: only a queued or running run can be cancelled` };
  const { connectNats, requestRunCancel } = await messaging();
  let nc: Awaited<ReturnType<typeof connectNats>>;
  try {
    nc = await connectNats({ servers: natsServers(), name: 'dashboard-writer', reconnect: false, timeoutMs: 3_000 });
  } catch (error) {
    return { ok: false, error: `NATS is unreachable, so the cancel was not sent: ${(error as Error).message}` };
  }
  try {
    return { ok: true, outcome: (await requestRunCancel(nc, command.data)).outcome };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  } finally {
    await nc.close().catch(() => undefined);
  }
}
