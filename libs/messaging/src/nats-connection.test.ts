import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { connectNats } from './nats-connection.js';
import { startNatsServer } from './testing/nats-server.js';

describe('connectNats', () => {
  it('says how to get a server when none answers', { timeout: 10_000 }, async () => {
    const server = await startNatsServer();
    await server.stop();
    await assert.rejects(
      connectNats({ servers: server.url, name: 'test' }),
      new RegExp(`no NATS server at ${server.url} \\(connection refused\\): start one with "nats-server -js".*or set NATS_URL`),
    );
  });

  it('waits for a server that is not up yet when asked to', { timeout: 15_000 }, async () => {
    const server = await startNatsServer();
    await server.stop();
    const connecting = connectNats({ servers: server.url, name: 'test', waitOnFirstConnect: true, reconnectTimeWaitMs: 100 });
    await delay(500);
    await server.restart();
    const nc = await connecting;
    await nc.flush();
    await nc.close();
    await server.stop();
  });
});
