import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectNats } from './nats-connection.js';
import { natsCredentialsFromEnv } from './nats-credentials.js';
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

  it('authenticates with the credentials of the environment, and names the refused user', { timeout: 15_000 }, async () => {
    const server = await startNatsServer({ args: ['--user', 'trainer', '--pass', 's3cret'] });
    const secrets = mkdtempSync(join(tmpdir(), 'nats-secret-'));
    try {
      await assert.rejects(connectNats({ servers: server.url, name: 'test', reconnect: false, credentials: {} }), /refused a client without credentials .*set NATS_USER and NATS_PASSWORD/);
      await assert.rejects(
        connectNats({ servers: server.url, name: 'test', reconnect: false, credentials: { user: 'trainer', pass: 'wrong' } }),
        /refused user "trainer"/,
      );
      // A mounted secret file, as in the cluster.
      writeFileSync(join(secrets, 'password'), 's3cret\n');
      const credentials = natsCredentialsFromEnv({ NATS_USER: 'trainer', NATS_PASSWORD_FILE: join(secrets, 'password') });
      const nc = await connectNats({ servers: server.url, name: 'test', credentials });
      await nc.flush();
      await nc.close();
    } finally {
      rmSync(secrets, { recursive: true, force: true });
      await server.stop();
    }
  });
});

describe('natsCredentialsFromEnv', () => {
  it('takes a user and password, or a token, or nothing', () => {
    assert.deepEqual(natsCredentialsFromEnv({}), {});
    assert.deepEqual(natsCredentialsFromEnv({ NATS_USER: 'u', NATS_PASSWORD: 'p' }), { user: 'u', pass: 'p' });
    assert.deepEqual(natsCredentialsFromEnv({ NATS_TOKEN: 't' }), { token: 't' });
  });

  it('refuses half-given or unreadable credentials, saying what to set', () => {
    assert.throws(() => natsCredentialsFromEnv({ NATS_USER: 'u' }), /NATS_USER is set without NATS_PASSWORD/);
    assert.throws(() => natsCredentialsFromEnv({ NATS_PASSWORD: 'p' }), /NATS_PASSWORD is set without NATS_USER/);
    assert.throws(() => natsCredentialsFromEnv({ NATS_USER: 'u', NATS_PASSWORD: 'p', NATS_TOKEN: 't' }), /both NATS_USER and NATS_TOKEN/);
    assert.throws(() => natsCredentialsFromEnv({ NATS_USER: 'u', NATS_PASSWORD_FILE: '/no/such/secret' }), /NATS_PASSWORD_FILE=\/no\/such\/secret: cannot read it \(ENOENT\)/);
  });
});
