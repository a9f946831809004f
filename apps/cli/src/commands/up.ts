import { join } from 'node:path';
import { serviceNames, type ServiceName } from '@downscale/contracts';
import { servicePort } from '@downscale/service-kit';
import { ensureNatsServer } from '../stack/nats-server.js';
import type { StackOptions } from '../stack/options.js';
import { dashboardDir, repoRoot, serviceEntry } from '../stack/paths.js';
import { Supervisor, type ManagedProcess } from '../stack/supervisor.js';
import type { ExperimentSpec } from '@downscale/contracts';
import { runExperiment } from '../experiment/follow-experiment.js';
import { migrate } from './migrate.js';

/** The experiment `up` runs once the stack is ready. */
export interface UpExperiment {
  spec: ExperimentSpec;
  /** Start over instead of resuming the latest experiment with the same spec. */
  fresh: boolean;
  /** Stop the stack after the summary; exit 0 only if every run completed. */
  exitWhenDone: boolean;
}

const readyTimeoutMs = 90_000;
const stopGraceMs = 20_000;

function say(line: string) {
  process.stdout.write(`${line}\n`);
}

/**
 * Brings up the local stack: NATS (an existing server or a child nats-server), the migrated
 * database, the four services and the dashboard; runs until SIGINT/SIGTERM, then stops
 * everything it started, services first so that they finish in-flight work.
 */
export async function up(options: StackOptions, experiment?: UpExperiment): Promise<void> {
  const nats = await ensureNatsServer(options.natsUrl, options.home);
  say(`✓ NATS        ${nats.url} (${nats.child ? 'started nats-server, data in ' + join(options.home, 'nats') : 'already running'})`);
  say(`✓ database    ${await migrate(options, false)}`);

  const supervisor = new Supervisor(join(options.home, 'logs'));
  const shared = {
    ...process.env,
    NATS_URL: nats.url,
    DOWNSCALE_HOME: options.home,
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
  };
  const serviceUrls = Object.fromEntries(serviceNames.map((s) => [s, `http://127.0.0.1:${servicePort(s, options.servicePortBase)}`]));
  const startServiceProcess = (name: string, service: ServiceName, port: number) =>
    supervisor.start({
      name,
      command: process.execPath,
      args: [serviceEntry(service)],
      env: { ...shared, HTTP_PORT: String(port) },
      readyUrl: `http://127.0.0.1:${port}/health`,
    });
  const processes: ManagedProcess[] = serviceNames.map((service) => startServiceProcess(service, service, servicePort(service, options.servicePortBase)));
  // More trainers share the job queue (a training step uses one core, so each core can train a
  // run), more evaluators the checkpoint events; their ports follow the four services'.
  let nextPort = options.servicePortBase + serviceNames.length + 1;
  const replicas: Array<[ServiceName, number]> = [['trainer', options.trainers], ['evaluator', options.evaluators]];
  for (const [service, count] of replicas) {
    for (let i = 2; i <= count; i++) processes.push(startServiceProcess(`${service}-${i}`, service, nextPort++));
  }
  const dashboardUrl = `http://127.0.0.1:${options.dashboardPort}`;
  processes.push(
    supervisor.start({
      name: 'dashboard',
      command: process.execPath,
      args: [join(repoRoot, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-p', String(options.dashboardPort), '-H', '127.0.0.1'],
      cwd: dashboardDir,
      env: { ...shared, DOWNSCALE_SERVICE_URLS: JSON.stringify(serviceUrls), NEXT_TELEMETRY_DISABLED: '1' },
      readyUrl: `${dashboardUrl}/api/health`,
    }),
  );

  let stopping = false;
  const following = new AbortController();
  const stop = async (signal: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    following.abort();
    say(`\n${signal}: stopping the services (in-flight work finishes)…`);
    await supervisor.stopAll(stopGraceMs);
    if (nats.child) {
      nats.child.kill('SIGTERM');
      await new Promise((r) => nats.child!.once('exit', r));
    }
    say('stopped.');
    process.exit(exitCode);
  };
  process.once('SIGINT', () => void stop('Ctrl-C'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  try {
    await Promise.all(
      processes.map(async (p) => {
        await supervisor.waitReady(p, readyTimeoutMs);
        say(`✓ ${p.spec.name.padEnd(11)} ${p.spec.readyUrl.replace(/\/(api\/)?health$/, '')} (log ${p.logFile})`);
      }),
    );
  } catch (error) {
    say(`✗ ${(error as Error).message}`);
    await stop('startup failed', 1);
    return;
  }
  for (const p of processes) {
    p.child.once('exit', (code, signal) => {
      if (!stopping) say(`✗ ${p.spec.name} stopped unexpectedly (${code ?? signal}); see ${p.logFile}`);
    });
  }
  say(`\ndownscale is up. Dashboard: ${dashboardUrl}  (Ctrl-C stops everything)`);
  if (!experiment) return;
  let finished: Awaited<ReturnType<typeof runExperiment>>;
  try {
    finished = await runExperiment({ ...options, natsUrl: nats.url }, experiment.spec, { fresh: experiment.fresh, signal: following.signal });
  } catch (error) {
    say(`✗ the experiment stopped: ${(error as Error).message}`);
    if (experiment.exitWhenDone) await stop('experiment failed', 1);
    else say(`\nThe dashboard keeps serving at ${dashboardUrl}; the logs are in ${options.home}/logs  (Ctrl-C stops everything)`);
    return;
  }
  if (!finished) return;
  const allCompleted = finished.runs.every((r) => r.state === 'completed');
  if (experiment.exitWhenDone) await stop('experiment finished', allCompleted ? 0 : 1);
  else say(`\nThe dashboard keeps serving at ${dashboardUrl}  (Ctrl-C stops everything)`);
}
