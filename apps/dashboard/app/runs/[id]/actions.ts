'use server';
// Cancel a queued or running run: authorised (an editor, or a dashboard that writes) and checked on the server.
import { currentSession, writeAccess } from '../../../lib/access';
import { cancelRunFromDashboard } from '../../../lib/cancel-run';

export interface CancelState {
  message: string | null;
  ok: boolean;
}

export async function cancelRunAction(runId: string, _previous: CancelState, _form: FormData): Promise<CancelState> {
  const policy = await writeAccess();
  if (!policy.allowed) return { ok: false, message: `This dashboard does not cancel runs for you: ${policy.reason}.` };
  const session = await currentSession();
  const outcome = await cancelRunFromDashboard(runId, session?.user ?? 'a local user');
  if (!outcome.ok) return { ok: false, message: outcome.error };
  return {
    ok: true,
    message:
      outcome.outcome === 'stopping'
        ? 'Cancelled: the trainer stops the run at its next step, keeps its checkpoints and marks it cancelled.'
        : 'Cancelled: the queued run will not start.',
  };
}
