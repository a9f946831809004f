import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startNatsServer, type NatsServerProcess } from '@downscale/messaging';
import { openDatabase } from '@downscale/persistence';

const main = join(dirname(fileURLToPath(import.meta.url)), 'main.js');

interface Finished {
  code: number | null;
  output: string;
}

function runService(env: NodeJS.ProcessEnv, onReady?: (output: string) => Promise<void>): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let ready = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`service did not finish in time:\n${output}`));
    }, 60_000);
    const collect = (chunk: Buffer) => {
      output += chunk;
      // Wait for the whole line: a chunk may end mid-line.
      if (!ready && /"msg":"service ready"[^\n]*\n/.test(output) && onReady) {
        ready = true;
        onReady(output).then(() => child.kill('SIGTERM'), reject);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

interface LogLine {
  service: string;
  msg: string;
  url?: string;
}

/** The complete log lines so far; a trailing partial line is left out. */
function jsonLines(output: string): LogLine[] {
  return output
    .split('\n')
    .slice(0, -1)
    .map((line) => JSON.parse(line) as LogLine);
}

describe('corpus service process', () => {
  let nats: NatsServerProcess;
  let home: string;

  before(async () => {
    nats = await startNatsServer();
    home = mkdtempSync(join(tmpdir(), 'downscale-corpus-'));
  });
  after(async () => {
    await nats.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('refuses to start on an unmigrated database, saying how to fix it', async () => {
    const { code, output } = await runService({ NATS_URL: nats.url, DOWNSCALE_HOME: join(home, 'empty'), HTTP_PORT: '0' });
    assert.equal(code, 1);
    assert.match(output, /corpus service failed to start: .*migrat/i);
  });

  it('refuses bad configuration, naming the variable', async () => {
    const { code, output } = await runService({ NATS_URL: nats.url, DOWNSCALE_HOME: home, HTTP_PORT: 'http' });
    assert.equal(code, 1);
    assert.match(output, /HTTP_PORT="http": must be a number/);
    const shards = await runService({ NATS_URL: nats.url, DOWNSCALE_HOME: home, HTTP_PORT: '0', CORPUS_SHARD_WORKERS: '0', CORPUS_SHARD_BYTES: 'big' });
    assert.equal(shards.code, 1);
    assert.match(shards.output, /corpus service failed to start: invalid corpus settings:\n {2}CORPUS_SHARD_WORKERS="0": must be at least 1\n {2}CORPUS_SHARD_BYTES="big": must be a number/);
  });

  it('boots, logs JSON, answers health and shuts down cleanly on SIGTERM', async () => {
    await (await openDatabase({ sqlitePath: join(home, 'downscale.sqlite'), migrate: 'run' })).destroy();
    let health: unknown;
    const { code, output } = await runService({ NATS_URL: nats.url, DOWNSCALE_HOME: home, HTTP_PORT: '0' }, async (log) => {
      const ready = jsonLines(log).find((l) => l.msg === 'service ready');
      health = await (await fetch(`${ready!.url}/health`)).json();
    });
    assert.equal(code, 0, output);
    assert.equal((health as { status: string }).status, 'ok');
    const lines = jsonLines(output);
    assert.ok(lines.every((l) => l.service === 'corpus'), 'every log line is JSON naming the service');
    assert.ok(lines.some((l) => l.msg === 'received SIGTERM, shutting down'));
    assert.equal(lines.at(-1)?.msg, 'resources closed');
  });
});
