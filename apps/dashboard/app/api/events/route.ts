// Server-sent events: the live events of the system (see lib/live.ts), one JSON object per
// `message` event, and the state of the NATS connection as `status` events. The browser's
// EventSource reconnects by itself after `retry` ms when the stream ends or breaks.
import { listen, type LiveEvent, type LiveStatus } from '../../../lib/live';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const retryMs = 3_000;
const keepAliveMs = 15_000;

export function GET(request: Request): Response {
  const encoder = new TextEncoder();
  let stop = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const send = (text: string) => {
        if (open) controller.enqueue(encoder.encode(text));
      };
      send(`retry: ${retryMs}\n\n`);
      const keepAlive = setInterval(() => send(': keep-alive\n\n'), keepAliveMs);
      const unlisten = listen({
        event: (e: LiveEvent) => send(`data: ${JSON.stringify(e)}\n\n`),
        status: (s: LiveStatus) => {
          send(`event: status\ndata: ${JSON.stringify(s)}\n\n`);
          // Without NATS there is nothing to stream: end, and let the browser retry later.
          if (s.state === 'down') stop();
        },
      });
      stop = () => {
        if (!open) return;
        open = false;
        clearInterval(keepAlive);
        unlisten();
        controller.close();
      };
      request.signal.addEventListener('abort', () => stop());
    },
    cancel() {
      stop();
    },
  });
  return new Response(stream, {
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' },
  });
}
