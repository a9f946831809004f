import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connectNats } from '@downscale/messaging';

export interface NatsEndpoint {
  url: string;
  /** Set when we started the server ourselves and must stop it. */
  child?: ChildProcess;
}

/** Whether a JetStream-enabled server answers at `url`; throws if it answers without JetStream. */
async function probeJetStream(url: string): Promise<boolean> {
  let nc;
  try {
    nc = await connectNats({ servers: [url], name: 'downscale-probe', reconnect: false, timeoutMs: 1_500 });
  } catch {
    return false;
  }
  try {
    await (await jetstreamManager(nc)).getAccountInfo();
    return true;
  } catch (error) {
    throw new Error(`the NATS server at ${url} answers but JetStream is not available (${(error as Error).message}): start it with -js, or point --nats-url elsewhere`);
  } finally {
    await nc.close();
  }
}

export function findNatsServerBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [...(env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/bin'];
  return dirs.map((d) => join(d, 'nats-server')).find((candidate) => existsSync(candidate));
}

/**
 * Uses the server at `url` when one answers; otherwise starts `nats-server -js` on that
 * address with its data under `home`, so that a laptop needs nothing running beforehand.
 */
export async function ensureNatsServer(url: string, home: string): Promise<NatsEndpoint> {
  if (await probeJetStream(url)) return { url };
  const target = new URL(url);
  const local = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(target.hostname);
  if (!local) throw new Error(`no NATS server answers at ${url}; start it, or leave --nats-url unset to run one locally`);
  const binary = findNatsServerBinary();
  if (!binary) {
    throw new Error(
      `no NATS server answers at ${url} and nats-server is not installed.\n` +
        '  Install it (Debian/Ubuntu): sudo apt-get install nats-server\n' +
        '  or point NATS_URL / --nats-url at a running server with JetStream.',
    );
  }
  const storeDir = join(home, 'nats');
  mkdirSync(storeDir, { recursive: true });
  const log = openSync(join(home, 'logs', 'nats-server.log'), 'a');
  const port = target.port || '4222';
  const child = spawn(binary, ['-a', '127.0.0.1', '-p', port, '-js', '-sd', storeDir], { stdio: ['ignore', log, log] });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nats-server exited with code ${child.exitCode}; see ${join(home, 'logs', 'nats-server.log')}`);
    if (await probeJetStream(url)) return { url, child };
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGTERM');
  throw new Error(`nats-server did not start within 10 s; see ${join(home, 'logs', 'nats-server.log')}`);
}
