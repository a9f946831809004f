import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { streamSubjects } from '@downscale/contracts';
import { jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connectNats } from './nats-connection.js';
import { DUPLICATE_WINDOW_MS, ensureStreams, streamNames } from './streams.js';
import { startNatsServer, type NatsServerProcess } from './testing/nats-server.js';

describe('ensureStreams', () => {
  let server: NatsServerProcess;
  let nc: NatsConnection;
  beforeEach(async () => {
    server = await startNatsServer();
    nc = await connectNats({ servers: server.url, name: 'test' });
  });
  afterEach(async () => {
    await nc.close();
    await server.stop();
  });

  it('creates the three streams, and is safe to call again', { timeout: 10_000 }, async () => {
    await ensureStreams(nc);
    await ensureStreams(nc);
    const jsm = await jetstreamManager(nc);
    const events = (await jsm.streams.info(streamNames.events)).config;
    assert.deepEqual(events.subjects, [streamSubjects.events]);
    assert.equal(events.retention, RetentionPolicy.Limits);
    assert.equal(events.storage, StorageType.File);
    assert.equal(events.duplicate_window, DUPLICATE_WINDOW_MS * 1e6);
    const jobs = (await jsm.streams.info(streamNames.jobs)).config;
    assert.deepEqual(jobs.subjects, [streamSubjects.jobs]);
    assert.equal(jobs.retention, RetentionPolicy.Workqueue);
    const deadLetters = (await jsm.streams.info(streamNames.deadLetters)).config;
    assert.deepEqual(deadLetters.subjects, [streamSubjects.deadLetters]);
    assert.equal(deadLetters.storage, StorageType.File);
    assert.equal(deadLetters.max_age, 365 * 24 * 3600 * 1e9);
  });

  it('says how to fix a stream created with the wrong retention', { timeout: 10_000 }, async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: streamNames.jobs, subjects: [streamSubjects.jobs], retention: RetentionPolicy.Limits });
    await assert.rejects(ensureStreams(nc), /stream JOBS exists with retention limits.*workqueue.*nats stream rm JOBS/);
  });
});
