/** Test helper: a TCP proxy on loopback in front of a real server (PostgreSQL), which a test cuts and restores. */
import { createServer, connect, type Socket } from 'node:net';
import { once } from 'node:events';

export interface OutageProxy {
  /** The proxy's port on 127.0.0.1: point the client here instead of at the server. */
  readonly port: number;
  /** Connections refused or reset while cut, so far. */
  readonly refused: number;
  /** Destroys every open connection and resets every new one until restore(): the server looks gone. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/** Forwards 127.0.0.1:<port> to `target`; cut() makes the target unreachable without touching it. */
export async function startOutageProxy(target: { host: string; port: number }): Promise<OutageProxy> {
  const open = new Set<Socket>();
  let isCut = false;
  let refused = 0;
  const server = createServer((client) => {
    if (isCut) {
      refused++;
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        open.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const destroyAll = () => {
    for (const socket of open) socket.destroy();
  };
  return {
    port,
    get refused() {
      return refused;
    },
    cut: () => {
      isCut = true;
      destroyAll();
    },
    restore: () => {
      isCut = false;
    },
    close: async () => {
      destroyAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
