import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Module } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { healthReport, pingReply, rpcSubjects } from '@downscale/contracts';
import { startNatsServer, type NatsServerProcess } from '@downscale/messaging';
import { openDatabase } from '@downscale/persistence';
import { startService, type RunningService } from './bootstrap.js';
import { eventually } from './testing.js';
import { SERVICE_BUS } from './tokens.js';

@Module({})
class EmptyFeature {}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: await response.json() };
}

describe('service kit: two services on real NATS and SQLite', () => {
  let nats: NatsServerProcess;
  let home: string;
  let corpus: RunningService;
  let scaling: RunningService;

  before(async () => {
    nats = await startNatsServer();
    home = mkdtempSync(join(tmpdir(), 'downscale-kit-'));
    const env = { NATS_URL: nats.url, DOWNSCALE_HOME: home, HTTP_PORT: '0', LOG_LEVEL: 'silent' };
    await (await openDatabase({ sqlitePath: join(home, 'downscale.sqlite'), migrate: 'run' })).destroy();
    corpus = await startService({ service: 'corpus', feature: EmptyFeature }, env);
    scaling = await startService({ service: 'scaling', feature: EmptyFeature }, env);
  });

  after(async () => {
    await corpus?.close();
    await scaling?.close();
    await nats?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('one service asks another over NATS request/reply', async () => {
    const bus = corpus.app.get<ClientProxy>(SERVICE_BUS);
    const reply = pingReply.parse(await firstValueFrom(bus.send(rpcSubjects.ping('scaling'), {})));
    assert.equal(reply.service, 'scaling');
    assert.equal(reply.pid, process.pid);
    const health = healthReport.parse(await firstValueFrom(bus.send(rpcSubjects.health('scaling'), {})));
    assert.equal(health.status, 'ok');
  });

  it('serves health and Prometheus metrics over HTTP', async () => {
    const { status, body } = await getJson(`${corpus.url}/health`);
    assert.equal(status, 200);
    const report = healthReport.parse(body);
    assert.equal(report.service, 'corpus');
    assert.ok(report.checks.nats?.ok && report.checks.database?.ok, JSON.stringify(report));
    assert.match(report.checks.database!.detail, /better-sqlite3/);
    const metrics = await (await fetch(`${corpus.url}/metrics`)).text();
    assert.match(metrics, /downscale_process_cpu_seconds_total\{service="corpus"\}/);
    assert.deepEqual((await getJson(`${corpus.url}/health/live`)).body, { service: 'corpus', status: 'ok' });
  });

  it('reports degraded while NATS is down and recovers when it returns', async () => {
    await nats.stop();
    const down = await eventually('a degraded health report', 10_000, async () => {
      const r = await getJson(`${scaling.url}/health`);
      return r.status === 503 ? healthReport.parse(r.body) : undefined;
    });
    assert.equal(down.checks.nats?.ok, false);
    assert.equal(down.checks.database?.ok, true);
    await nats.restart();
    await eventually('health to recover after NATS restarts', 20_000, async () => {
      const r = await getJson(`${scaling.url}/health`);
      return r.status === 200 ? true : undefined;
    });
    const bus = scaling.app.get<ClientProxy>(SERVICE_BUS);
    const reply = pingReply.parse(await firstValueFrom(bus.send(rpcSubjects.ping('corpus'), {})));
    assert.equal(reply.service, 'corpus');
  });
});
