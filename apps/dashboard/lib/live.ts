// Live events for the browser: one core NATS subscription per dashboard process on the
// durable event subjects (JetStream stores them, but every publish is also delivered to core
// subscribers, and a dashboard needs no replay: on (re)connect the page re-reads the
// database). Each event is validated against its contract and reduced to what a page needs
// to decide whether to refresh; the server-sent-events route fans them out.
import { decodeEnvelope, eventSubjects, redactUrl, streamSubjects, type DurableSubject, type EventSubject } from '@downscale/contracts';
import type * as Messaging from '@downscale/messaging';

export type LiveKind = 'metrics' | 'checkpoint' | 'eval' | 'fit' | 'run';

export interface LiveEvent {
  kind: LiveKind;
  /** The run it is about; fits are about an experiment's runs, listed in `runIds`. */
  runId?: string;
  runIds?: string[];
  /** For metrics: the last step of the batch. */
  step?: number;
}

/** `reconnecting`: the connection was lost and the client is retrying; `down`: no connection could be made. */
export type LiveStatus = { state: 'live'; server: string } | { state: 'reconnecting' | 'down'; error: string };

type Listener = { event(e: LiveEvent): void; status(s: LiveStatus): void };

const kindOf: Partial<Record<EventSubject, LiveKind>> = {
  [eventSubjects.metricsReported]: 'metrics',
  [eventSubjects.checkpointSaved]: 'checkpoint',
  [eventSubjects.evalCompleted]: 'eval',
  [eventSubjects.fitUpdated]: 'fit',
  [eventSubjects.runStateChanged]: 'run',
};

/** What a page needs from an event; undefined for subjects the dashboard does not show or invalid messages. */
export function toLiveEvent(subject: string, data: Uint8Array | string): LiveEvent | undefined {
  const kind = kindOf[subject as EventSubject];
  if (!kind) return undefined;
  const decoded = decodeEnvelope(subject as DurableSubject, data);
  if (!decoded.ok) return undefined;
  const payload = decoded.envelope.payload as Record<string, unknown>;
  if (kind === 'fit') return { kind, runIds: payload.runIds as string[] };
  const event: LiveEvent = { kind, runId: payload.runId as string };
  if (kind === 'metrics') event.step = (payload.points as { step: number }[]).at(-1)?.step;
  return event;
}

export function natsServers(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.NATS_URL?.trim() || 'nats://127.0.0.1:4222')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

interface Hub {
  listeners: Set<Listener>;
  /** Settles once the connection is up (or failed); absent while nobody listens or after a failure. */
  connecting?: Promise<LiveStatus>;
  status?: LiveStatus;
  close?: () => Promise<void>;
}

// On globalThis: Next may evaluate this module once per route bundle; one connection per process.
const hubKey = Symbol.for('downscale.dashboard.live');
const hub: Hub = ((globalThis as { [hubKey]?: Hub })[hubKey] ??= { listeners: new Set() });

function broadcastStatus(status: LiveStatus): void {
  hub.status = status;
  for (const l of hub.listeners) l.status(status);
}

/** Loaded by Node at run time, like @downscale/persistence (see database.ts). */
function messaging(): Promise<typeof Messaging> {
  return import(/* webpackIgnore: true */ /* turbopackIgnore: true */ '@downscale/messaging');
}

async function connect(): Promise<LiveStatus> {
  const servers = natsServers();
  try {
    const { connectNats } = await messaging();
    // Reconnects forever once connected; a first failure is reported and retried by the next browser reconnect.
    const nc = await connectNats({ servers, name: 'dashboard', reconnect: true, timeoutMs: 3_000 });
    nc.subscribe(streamSubjects.events, {
      callback: (error, msg) => {
        if (error) return;
        const event = toLiveEvent(msg.subject, msg.data);
        if (event) for (const l of hub.listeners) l.event(event);
      },
    });
    const server = servers.map(redactUrl).join(', ');
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') broadcastStatus({ state: 'reconnecting', error: `lost the connection to NATS at ${server}; reconnecting` });
        if (s.type === 'reconnect') broadcastStatus({ state: 'live', server });
      }
    })();
    void nc.closed().then(() => {
      if (hub.close === close) reset();
    });
    const close = () => nc.close();
    hub.close = close;
    return { state: 'live', server };
  } catch (error) {
    reset();
    return { state: 'down', error: error instanceof Error ? error.message : String(error) };
  }
}

function reset(): void {
  delete hub.connecting;
  delete hub.status;
  delete hub.close;
}

/**
 * Registers a listener; it first gets the connection status. Returns the function that
 * unregisters it; the NATS connection closes when the last listener leaves.
 */
export function listen(listener: Listener): () => void {
  hub.listeners.add(listener);
  if (!hub.connecting) {
    hub.connecting = connect();
    void hub.connecting.then((status) => {
      // Everyone left while it connected: do not keep an unused connection.
      if (hub.listeners.size === 0 && hub.close) {
        const close = hub.close;
        reset();
        void close();
      } else {
        broadcastStatus(status);
      }
    });
  } else if (hub.status) {
    listener.status(hub.status);
  }
  return () => {
    hub.listeners.delete(listener);
    if (hub.listeners.size === 0 && hub.close) {
      const close = hub.close;
      reset();
      void close();
    }
  };
}
