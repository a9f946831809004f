/** Fault test of the scaling service (npm run test:faults): a real scaling process stopped (SIGTERM) mid-refit. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { eventSubjects } from '@downscale/contracts';
import { connectNats, EventPublisher, streamNames } from '@downscale/messaging';
import { openDatabase, ScalingFit } from '@downscale/persistence';
import { eventually, spawnService, startTestStack, type ServiceProcess, type TestStack } from '@downscale/service-kit';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { DataSource } from 'typeorm';
import { everyLaw, seedCompletedRun, seedExperiment } from './test-fixtures.js';

const scalingMain = fileURLToPath(new URL('./main.js', import.meta.url));
const experimentId = 'exp-scaling-faults';
// Four sizes with eight eval points each: a refit of the nine laws takes a few seconds, the joint law last and longest.
const tokenCounts = [100_000, 180_000, 320_000, 560_000, 1_000_000, 1_800_000, 3_200_000, 5_600_000];

describe('scaling faults: SIGTERM mid-refit', { timeout: 180_000 }, () => {
  let stack: TestStack;
  let db: DataSource;
  let nc: NatsConnection;
  const services: ServiceProcess[] = [];
  const env = () => ({ ...stack.env, SHUTDOWN_TIMEOUT_MS: '20000' });

  before(async () => {
    stack = await startTestStack();
    db = await openDatabase({ sqlitePath: join(stack.home, 'downscale.sqlite'), migrate: 'none' });
    await seedExperiment(db, experimentId);
    for (const [i, params] of [1e4, 1e5, 1e6, 1e7].entries()) await seedCompletedRun(db, experimentId, `run-${i}`, params, tokenCounts);
    nc = await connectNats({ servers: stack.nats.url, name: 'scaling-faults-test' });
  });

  after(async () => {
    for (const service of services) await service.kill();
    await nc?.close();
    await db?.destroy();
    await stack?.close();
  });

  const fits = () => db.getRepository(ScalingFit).find({ where: { experimentId } });
  const laws = (rows: ScalingFit[]) => rows.map((f) => `${f.axis} ${f.form}`).sort();
  /** A fit is one row, computed before it is inserted: each stored one has all its parts. */
  const assertWhole = (rows: ScalingFit[]) => {
    for (const fit of rows) {
      const law = `${fit.axis} ${fit.form}`;
      assert.equal(fit.version, 1, `${law}: one version`);
      assert.ok(Object.values(fit.parameters).every(Number.isFinite) && Object.keys(fit.parameters).length > 0, `${law}: parameters`);
      assert.deepEqual(Object.keys(fit.intervals).sort(), Object.keys(fit.parameters).sort(), `${law}: an interval per parameter`);
      assert.ok(fit.residuals.length > 0 && fit.residuals.every((r) => Number.isFinite(r.predicted)), `${law}: residuals`);
      assert.ok(fit.runIds.length > 0 && fit.inputHash, `${law}: its runs and input hash`);
    }
  };

  it('stops cleanly (exit 0) with only whole fits stored; the next process finishes the refit, each law stored once', async () => {
    services.push(await spawnService(scalingMain, env()));
    await new EventPublisher(nc, 'test').publish(eventSubjects.fitRequested, { experimentId, requestId: 'req-sigterm' }, { id: 'refit:req-sigterm' });
    await services[0]!.waitForLine(/"msg":"scaling fit updated"/, 60_000);
    // Exit 0 means within SHUTDOWN_TIMEOUT_MS: past it, the service exits 1.
    assert.equal(await services[0]!.stop(), 0, `a clean stop:\n${services[0]!.output.slice(-10).join('\n')}`);
    const atStop = await fits();
    assert.ok(atStop.length > 0 && atStop.length < everyLaw.length, `stopped mid-refit (${atStop.length} of ${everyLaw.length} fits)`);
    assertWhole(atStop);

    // The request went back to the queue: the next process refits, keeping what is stored and adding the rest.
    services.push(await spawnService(scalingMain, env()));
    const complete = await eventually('every fit', 120_000, async () => {
      const rows = await fits();
      return rows.length >= everyLaw.length ? rows : undefined;
    });
    const jsm = await jetstreamManager(nc);
    await eventually('the refit request to be acknowledged', 60_000, async () => {
      const info = await jsm.consumers.info(streamNames.events, 'scaling-refit-on-request');
      return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
    });
    assert.deepEqual(laws(await fits()), everyLaw, 'each law stored once');
    assertWhole(complete);
    const kept = new Map(complete.map((f) => [f.id, f]));
    for (const fit of atStop) assert.deepEqual(kept.get(fit.id)?.parameters, fit.parameters, 'a fit stored before the stop is kept, not refitted');
    const published = await jsm.streams.info(streamNames.events, { subjects_filter: eventSubjects.fitUpdated });
    assert.equal(published.state.subjects?.[eventSubjects.fitUpdated], everyLaw.length, 'one fit.updated per fit');
    assert.equal(await services[1]!.stop(), 0);
  });
});
