import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface NatsServerProcess {
  /** `nats://127.0.0.1:<port>`; stays the same across restarts. */
  readonly url: string;
  readonly port: number;
  /** JetStream's store; kept across stop/kill/restart, removed when the test process exits. */
  readonly storeDir: string;
  /** The running server process, if any. */
  readonly child: ChildProcess | undefined;
  /** Shuts the server down cleanly (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** Kills the server without warning (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** Stops the server if it runs, then starts it again on the same port and store. */
  restart(): Promise<void>;
}

export interface StartNatsServerOptions {
  /** Path to the nats-server binary; default: on PATH or in /usr/sbin. */
  binary?: string;
  /** How long to wait for the server to accept connections. */
  readyTimeoutMs?: number;
  /** More server flags, e.g. `['--user', 'u', '--pass', 'p']`. */
  args?: string[];
}

const running = new Set<ChildProcess>();
const storeDirs = new Set<string>();

/** Servers and their stores must not outlive the test process, even when a test forgets them. */
function cleanUpAtExit(): void {
  if (storeDirs.size > 0) return; // registered with the first server
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
    for (const dir of storeDirs) rmSync(dir, { recursive: true, force: true });
  });
}

/**
 * Starts a private JetStream-enabled nats-server on a free port of 127.0.0.1, with its store
 * in a temporary directory, so tests need not share (or be able to restart) a common server.
 */
export async function startNatsServer(options: StartNatsServerOptions = {}): Promise<NatsServerProcess> {
  const binary = options.binary ?? findNatsServerBinary();
  const readyTimeoutMs = options.readyTimeoutMs ?? 10_000;
  const port = await freePort();
  cleanUpAtExit();
  const storeDir = mkdtempSync(join(tmpdir(), 'downscale-nats-'));
  storeDirs.add(storeDir);
  const args = options.args ?? [];
  let child: ChildProcess | undefined = await launch(binary, port, storeDir, readyTimeoutMs, args);

  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    const current = child;
    if (!current) return;
    child = undefined;
    if (current.exitCode === null && current.signalCode === null) {
      await new Promise<void>((resolve) => {
        current.once('exit', () => resolve());
        current.kill(signal);
      });
    }
    running.delete(current);
  };
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    get child() {
      return child;
    },
    stop: () => halt('SIGTERM'),
    kill: () => halt('SIGKILL'),
    restart: async () => {
      await halt('SIGTERM');
      child = await launch(binary, port, storeDir, readyTimeoutMs, args);
    },
  };
}

function findNatsServerBinary(): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/bin'].filter(Boolean);
  const found = dirs.map((dir) => join(dir, 'nats-server')).find((path) => existsSync(path));
  if (!found) {
    throw new Error('nats-server not found on PATH or in /usr/sbin: install it ("apt-get install nats-server") or pass its path as `binary`');
  }
  return found;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('could not find a free TCP port for nats-server');
  return address.port;
}

/** Spawns the server and resolves once it logs that it accepts connections. */
async function launch(binary: string, port: number, storeDir: string, readyTimeoutMs: number, args: string[]): Promise<ChildProcess> {
  const child = spawn(binary, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  let log = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`nats-server did not become ready within ${readyTimeoutMs} ms`)), readyTimeoutMs);
      const settle = (error?: Error) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      child.stderr?.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('Server is ready')) settle();
      });
      child.once('error', (error) => settle(new Error(`could not run ${binary}: ${error.message}`)));
      child.once('exit', (code, signal) => settle(new Error(`nats-server exited (${signal ?? `code ${code}`}) before it was ready`)));
    });
  } catch (error) {
    child.kill('SIGKILL');
    running.delete(child);
    throw new Error(`${(error as Error).message}; its log:\n${log.slice(-2_000)}`, { cause: error });
  }
  // Keep reading the log, or the server blocks once the pipe fills up.
  child.stderr?.removeAllListeners('data').resume();
  return child;
}
