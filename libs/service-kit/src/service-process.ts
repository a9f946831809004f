/** Test helper: a service's compiled entry point run as a real child process, to be killed or stopped. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface ServiceProcess {
  readonly child: ChildProcess;
  /** Its stdout (JSON log lines) and stderr, line by line, so far. */
  readonly output: string[];
  /** Kills it without warning (SIGKILL), as a crash would, and waits until it is gone. */
  kill(): Promise<void>;
  /** SIGTERM, then waits for the exit; resolves with the exit code (null when killed by a signal). */
  stop(): Promise<number | null>;
  /** Resolves with the first output line, past or future, that matches (rejects if the process exits first). */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Spawns `node <entry>` with the given environment (on top of PATH and HOME; LOG_LEVEL is info) and waits for its
 * "service ready" log line. A process that exits or stays silent instead rejects with its output.
 * Processes a test forgets are killed when the test process exits.
 */
export async function spawnService(entry: string, env: NodeJS.ProcessEnv, readyTimeoutMs = 60_000): Promise<ServiceProcess> {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const child of live) child.kill('SIGKILL');
    });
  }
  const base = { PATH: process.env.PATH, HOME: process.env.HOME, DOWNSCALE_TF_BACKEND: process.env.DOWNSCALE_TF_BACKEND };
  const child = spawn(process.execPath, [entry], { env: { ...base, ...env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const output: string[] = [];
  const waiters = new Set<{ pattern: RegExp; resolve: (line: string) => void }>();
  const exited = once(child, 'exit').then(() => void live.delete(child));
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      output.push(line);
      for (const waiter of waiters) if (waiter.pattern.test(line)) waiter.resolve(line);
    });
  }
  const gone = () => child.exitCode !== null || child.signalCode !== null;

  const waitForLine = async (pattern: RegExp, timeoutMs: number): Promise<string> => {
    const seen = output.find((line) => pattern.test(line));
    if (seen !== undefined) return seen;
    let waiter: { pattern: RegExp; resolve: (line: string) => void } | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        new Promise<string>((resolve) => waiters.add((waiter = { pattern, resolve }))),
        exited.then(() => {
          throw new Error(`${entry} exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}; its output:\n${output.slice(-40).join('\n')}`);
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${entry} printed no line matching ${pattern} within ${timeoutMs} ms; its output:\n${output.slice(-40).join('\n')}`)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      if (waiter) waiters.delete(waiter);
    }
  };
  const signal = async (name: NodeJS.Signals): Promise<number | null> => {
    if (!gone()) {
      child.kill(name);
      await exited;
    }
    return child.exitCode;
  };

  try {
    await waitForLine(/"msg":"service ready"/, readyTimeoutMs);
  } catch (error) {
    await signal('SIGKILL');
    throw error;
  }
  return { child, output, kill: async () => void (await signal('SIGKILL')), stop: () => signal('SIGTERM'), waitForLine };
}
