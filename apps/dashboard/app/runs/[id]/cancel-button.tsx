'use client';
import { useActionState } from 'react';
import { cancelRunAction, type CancelState } from './actions';

export function CancelRunButton({ runId }: { runId: string }) {
  const [state, action, pending] = useActionState<CancelState, FormData>(cancelRunAction.bind(null, runId), { ok: false, message: null });
  return (
    <form action={action} className="cancel-run" data-testid="cancel-run">
      <button type="submit" disabled={pending || state.ok}>
        Cancel run
      </button>
      {state.message && (
        <span className={state.ok ? 'notice' : 'field-error'} role="status">
          {state.message}
        </span>
      )}
    </form>
  );
}
