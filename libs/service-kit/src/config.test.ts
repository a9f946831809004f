import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadServiceConfig } from './config.js';

describe('service configuration', () => {
  it('has working defaults for a laptop', () => {
    const config = loadServiceConfig('trainer', {});
    assert.deepEqual(config.natsServers, ['nats://127.0.0.1:4222']);
    assert.equal(config.databaseUrl, undefined);
    assert.match(config.sqlitePath, /\.downscale\/downscale\.sqlite$/);
    assert.equal(config.httpPort, 4102);
  });

  it('reads every variable', () => {
    const config = loadServiceConfig('corpus', {
      NATS_URL: 'nats://a:4222, nats://b:4222',
      DATABASE_URL: 'postgres://u@db:5432/downscale',
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
      SHUTDOWN_TIMEOUT_MS: '500',
      NATS_STREAM_REPLICAS: '3',
    });
    assert.deepEqual(config.natsServers, ['nats://a:4222', 'nats://b:4222']);
    assert.equal(config.databaseUrl, 'postgres://u@db:5432/downscale');
    assert.equal(config.httpPort, 0);
    assert.equal(config.logLevel, 'warn');
    assert.equal(config.shutdownTimeoutMs, 500);
    assert.equal(config.streamReplicas, 3);
    assert.equal(loadServiceConfig('corpus', {}).streamReplicas, 1);
    assert.throws(() => loadServiceConfig('corpus', { NATS_STREAM_REPLICAS: '7' }), /NATS_STREAM_REPLICAS="7": must be between 1 and 5/);
  });

  it('names every bad value, its content and what is expected', () => {
    assert.throws(
      () =>
        loadServiceConfig('scaling', {
          NATS_URL: 'http://nats:4222',
          DATABASE_URL: 'mysql://root@db/x',
          HTTP_PORT: 'eighty',
          LOG_LEVEL: 'loud',
          SHUTDOWN_TIMEOUT_MS: '-1',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problems.length, 5);
        assert.match(error.message, /scaling service/);
        assert.match(error.message, /NATS_URL="http:\/\/nats:4222": must be a NATS URL/);
        assert.match(error.message, /DATABASE_URL="mysql:\/\/root@db\/x": must be a postgres:\/\/ URL/);
        assert.match(error.message, /HTTP_PORT="eighty": must be a number/);
        assert.match(error.message, /LOG_LEVEL="loud"/);
        assert.match(error.message, /SHUTDOWN_TIMEOUT_MS="-1": must be a positive/);
        return true;
      },
    );
  });

  it('names a bad URL without the password in it', () => {
    assert.throws(
      () => loadServiceConfig('trainer', { DATABASE_URL: 'mysql://root:db-secret@db/x', NATS_URL: 'http://svc:nats-secret@nats:4222' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /DATABASE_URL="mysql:\/\/root:\*\*\*@db\/x": must be a postgres:\/\/ URL/);
        assert.match(error.message, /NATS_URL="http:\/\/svc:\*\*\*@nats:4222": must be a NATS URL/);
        assert.doesNotMatch(error.message, /db-secret|nats-secret/);
        return true;
      },
    );
  });

  it('rejects out-of-range ports', () => {
    assert.throws(() => loadServiceConfig('corpus', { HTTP_PORT: '70000' }), /HTTP_PORT="70000": must be between 0 and 65535/);
  });

  it('takes its NATS credentials from the environment and refuses half-given ones', () => {
    assert.deepEqual(loadServiceConfig('trainer', { NATS_USER: 'trainer', NATS_PASSWORD: 'pw' }).natsCredentials, { user: 'trainer', pass: 'pw' });
    assert.deepEqual(loadServiceConfig('trainer', {}).natsCredentials, {});
    assert.throws(() => loadServiceConfig('trainer', { NATS_USER: 'trainer' }), /invalid configuration for the trainer service:\n {2}NATS_USER is set without NATS_PASSWORD/);
  });
});

