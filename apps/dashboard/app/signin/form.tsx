'use client';
import { useActionState } from 'react';
import { signIn, type SignInState } from './actions';

export function SignInForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState<SignInState, FormData>(signIn, { error: null, name: '' });
  return (
    <form action={action} className="experiment-form" data-testid="signin-form">
      <input type="hidden" name="next" value={next} />
      <div className="field">
        <label htmlFor="signin-name">Name</label>
        <input id="signin-name" type="text" name="name" autoComplete="username" required defaultValue={state.name} />
      </div>
      <div className="field">
        <label htmlFor="signin-password">Password</label>
        <input id="signin-password" type="password" name="password" autoComplete="current-password" required />
      </div>
      {state.error && (
        <p className="field-error" role="alert">
          {state.error}
        </p>
      )}
      <button type="submit" disabled={pending}>
        Sign in
      </button>
    </form>
  );
}
