// Ports for tests that start the stack: free ones, so that parallel runs never collide.
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer().listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
    server.on('error', () => resolve(true));
  });
}

/** A base with base+1..base+8 free: the four services and up to four more trainers and evaluators. */
export async function freePortBase(): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const busy = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((i) => portOpen(base + i)));
    if (!busy.some(Boolean)) return base;
  }
}
