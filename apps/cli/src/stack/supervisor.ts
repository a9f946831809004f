import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';

export interface ManagedProcessSpec {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env: NodeJS.ProcessEnv;
  /** GET this URL until it answers 200 to call the process ready. */
  readyUrl: string;
}

export interface ManagedProcess {
  spec: ManagedProcessSpec;
  child: ChildProcess;
  logFile: string;
}

/** Starts and stops the local stack's processes; their output goes to one log file each. */
export class Supervisor {
  private readonly processes: ManagedProcess[] = [];

  constructor(private readonly logDir: string) {
    // However this process ends (an uncaught error, process.exit), the stack it started goes with it.
    process.once('exit', () => {
      for (const p of this.running()) p.child.kill('SIGTERM');
    });
  }

  start(spec: ManagedProcessSpec): ManagedProcess {
    const logFile = join(this.logDir, `${spec.name}.log`);
    const out = openSync(logFile, 'a');
    const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', out, out] });
    const managed = { spec, child, logFile };
    this.processes.push(managed);
    return managed;
  }

  /** Resolves when the process answers its ready URL; rejects if it exits or time runs out. */
  async waitReady(managed: ManagedProcess, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastError = 'no answer yet';
    while (Date.now() < deadline) {
      if (managed.child.exitCode !== null || managed.child.signalCode !== null) {
        throw new Error(`${managed.spec.name} exited (${managed.child.exitCode ?? managed.child.signalCode}) before it was ready; see ${managed.logFile}`);
      }
      try {
        const response = await fetch(managed.spec.readyUrl, { signal: AbortSignal.timeout(2_000) });
        if (response.ok) return;
        lastError = `HTTP ${response.status}: ${await response.text()}`;
      } catch (error) {
        lastError = (error as Error).message;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${managed.spec.name} was not ready within ${timeoutMs / 1000} s (${lastError}); see ${managed.logFile}`);
  }

  running(): ManagedProcess[] {
    return this.processes.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
  }

  /** SIGTERM everything (services finish in-flight work), SIGKILL what outlives the grace period. */
  async stopAll(graceMs: number): Promise<void> {
    const alive = this.running();
    await Promise.all(
      alive.map(
        (p) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
            p.child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            p.child.kill('SIGTERM');
          }),
      ),
    );
  }
}
