'use client';
// Keeps a server-rendered page current: listens to /api/events and re-renders the page from
// the database (router.refresh, no reload: scroll and form state stay) when an event it shows
// arrives, and after every reconnect, which catches up on whatever was missed meanwhile.
// Refreshes never overlap: however many events arrive, the next one starts once the page has
// rendered the previous one, and at most once a second, so a heavy page is not re-rendered
// faster than the server can render it.
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, useTransition } from 'react';
import type { LiveEvent, LiveKind, LiveStatus } from '../lib/live';

/** How often a pending refresh is considered. */
const refreshEveryMs = 1_000;

type State = { state: 'connecting' } | LiveStatus;

function relevant(event: LiveEvent, kinds: readonly LiveKind[], runIds: readonly string[] | undefined): boolean {
  if (!kinds.includes(event.kind)) return false;
  if (!runIds) return true;
  return (event.runId !== undefined && runIds.includes(event.runId)) || (event.runIds ?? []).some((id) => runIds.includes(id));
}

export function LiveRefresh({ kinds, runIds }: { kinds: LiveKind[]; runIds?: string[] }) {
  const router = useRouter();
  const [status, setStatus] = useState<State>({ state: 'connecting' });
  // Read by the long-lived EventSource handlers: the latest props without reconnecting.
  const filter = useRef({ kinds, runIds });
  filter.current = { kinds, runIds };

  // A refresh is due (an event arrived), and whether one is being rendered now.
  const due = useRef(false);
  const [refreshing, startTransition] = useTransition();
  const busy = useRef(refreshing);
  busy.current = refreshing;

  useEffect(() => {
    const timer = setInterval(() => {
      if (!due.current || busy.current) return;
      due.current = false;
      startTransition(() => router.refresh());
    }, refreshEveryMs);
    return () => clearInterval(timer);
  }, [router]);

  useEffect(() => {
    // Set while events may be missed (no stream, or no NATS); the next `live` catches up.
    let gap = false;
    const source = new EventSource('/api/events');
    source.addEventListener('status', (e) => {
      const next = JSON.parse((e as MessageEvent<string>).data) as LiveStatus;
      setStatus(next);
      if (next.state !== 'live') gap = true;
      else if (gap) {
        gap = false;
        due.current = true;
      }
    });
    source.onmessage = (e: MessageEvent<string>) => {
      const event = JSON.parse(e.data) as LiveEvent;
      if (relevant(event, filter.current.kinds, filter.current.runIds)) due.current = true;
    };
    source.onerror = () => {
      gap = true;
      setStatus((s) => (s.state === 'down' ? s : { state: 'reconnecting', error: 'the connection to the dashboard server was lost; reconnecting' }));
    };
    return () => source.close();
  }, []);

  const label = status.state === 'live' ? 'live' : status.state === 'connecting' ? 'connecting…' : status.state === 'reconnecting' ? 'reconnecting…' : 'not live';
  const title =
    status.state === 'live'
      ? `Updates as events arrive from NATS at ${status.server}`
      : status.state === 'connecting'
        ? 'Connecting to the live event stream'
        : `${status.error}. The page shows the database as it was; it catches up once the connection is back.`;
  return (
    <span className={`live live-${status.state === 'live' ? 'open' : status.state === 'connecting' ? 'wait' : 'error'}`} data-testid="live-status" data-state={status.state} title={title} role="status">
      {label}
    </span>
  );
}
