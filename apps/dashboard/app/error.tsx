'use client';
// Last resort: any error a page did not turn into a message itself.

export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="error-box" role="alert">
      <strong>This page could not be shown</strong>
      <p>{error.message || 'An unexpected error occurred on the server.'}</p>
      {error.digest && <p className="muted small">Reference: {error.digest} (see the dashboard log)</p>}
      <button type="button" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
