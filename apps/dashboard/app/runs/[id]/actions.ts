'use server';
// Cancel a running run: authorised (an editor, or a dashboard that writes) and checked on the server.
import { currentSession, writeAccess } from '../../../lib/access';
import { cancelRunningRun } from '../../../lib/cancel-run';

export interface CancelState {
  message: string | null;
  ok: boolean;
}

export async function cancelRunAction(runId: string, _previous: CancelState, _form: FormData): Promise<CancelState> {
  const policy = await writeAccess();
  if (!policy.allowed) return { ok: false, message: `This dashboard does not cancel runs for you: ${policy.reason}.` };
  const session = await currentSession();
  const outcome = await cancelRunningRun(runId, session?.user ?? 'a local user');
  return outcome.ok ? { ok: true, message: 'Cancel sent: the trainer stops the run at its next step and marks it cancelled.' } : { ok: false, message: outcome.error };
}
