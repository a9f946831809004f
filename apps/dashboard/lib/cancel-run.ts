// Cancelling a queued or running run from the dashboard: the contract's cancel command, sent as
// a request on core NATS. The trainer training the run stops it at its next step; a queued run
// is marked cancelled by a trainer, so that it never starts. That trainer answers; no answer
// means no trainer could act. Server only, like create-experiment.ts.
import { cancelRun, cancelRunReply, controlSubjects, type CancelRunReply } from '@downscale/contracts';
import type * as Messaging from '@downscale/messaging';
import { loadRun } from './database';
import { natsServers } from './live';

const messaging = (): Promise<typeof Messaging> => import(/* webpackIgnore: true */ /* turbopackIgnore: true */ '@downscale/messaging');

export type CancelOutcome = { ok: true; outcome: CancelRunReply['outcome'] } | { ok: false; error: string };

/** How long a trainer has to answer. */
const ANSWER_MS = 5_000;

/** Sends the cancel command for `runId` if it is queued or running; `by` names who asked, in the reason the run keeps. */
export async function cancelRunFromDashboard(runId: string, by: string): Promise<CancelOutcome> {
  const command = cancelRun.safeParse({ runId, reason: `cancelled from the dashboard by ${by}` });
  if (!command.success) return { ok: false, error: `not a run id: ${command.error.issues[0]?.message ?? 'invalid'}` };
  const run = await loadRun(runId);
  if (!run.ok) return { ok: false, error: run.error };
  if (!run.value) return { ok: false, error: `there is no run ${runId}` };
  if (run.value.state !== 'running' && run.value.state !== 'queued') return { ok: false, error: `run ${runId} is ${run.value.state}: only a queued or running run can be cancelled` };
  const { connectNats } = await messaging();
  let nc: Awaited<ReturnType<typeof connectNats>>;
  try {
    nc = await connectNats({ servers: natsServers(), name: 'dashboard-writer', reconnect: false, timeoutMs: 3_000 });
  } catch (error) {
    return { ok: false, error: `NATS is unreachable, so the cancel was not sent: ${(error as Error).message}` };
  }
  try {
    const reply = await nc.request(controlSubjects.cancelRun, JSON.stringify(command.data), { timeout: ANSWER_MS });
    const answer = cancelRunReply.safeParse(reply.json());
    if (!answer.success || answer.data.runId !== runId) return { ok: false, error: `a trainer answered the cancel with something unexpected: ${reply.string().slice(0, 200)}` };
    return { ok: true, outcome: answer.data.outcome };
  } catch (error) {
    return {
      ok: false,
      error:
        `no trainer answered within ${ANSWER_MS / 1000} s (${(error as Error).message}), so the run is not cancelled: ` +
        `only a running trainer service can cancel a run; check that one is up on the overview page, then try again`,
    };
  } finally {
    await nc.close().catch(() => undefined);
  }
}
