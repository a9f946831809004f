import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactUrl } from './redact.js';

describe('redactUrl', () => {
  it('masks the password of a database URL and keeps the user, host and database', () => {
    assert.equal(redactUrl('postgres://downscale:s3cret@db:5432/downscale'), 'postgres://downscale:***@db:5432/downscale');
    assert.equal(redactUrl('postgresql://u:p%40ss@db/x?sslmode=require'), 'postgresql://u:***@db/x?sslmode=require');
  });

  it('masks a password that holds an unescaped @, : or ?', () => {
    const redacted = redactUrl('postgres://u:p@ss:w?rd@db:5432/x');
    assert.equal(redacted, 'postgres://u:***@db:5432/x');
  });

  it('masks password query parameters', () => {
    assert.equal(redactUrl('postgres://db/x?user=u&password=hunter2&sslmode=require'), 'postgres://db/x?user=u&password=***&sslmode=require');
  });

  it('masks each URL of a NATS server list, and a NATS token given as the user part', () => {
    assert.equal(redactUrl('nats://svc:pw1@a:4222,nats://svc:pw2@b:4222'), 'nats://svc:***@a:4222,nats://svc:***@b:4222');
    assert.equal(redactUrl('nats://s3cr3ttoken@nats:4222'), 'nats://***@nats:4222');
  });

  it('leaves URLs without secrets, and other text, as they are', () => {
    for (const plain of ['postgres://postgres@127.0.0.1:5432/test', 'nats://127.0.0.1:4222', '/var/lib/downscale/downscale.sqlite', 'no URL here: a:b@c']) {
      assert.equal(redactUrl(plain), plain);
    }
  });

  it('masks URLs inside a message', () => {
    assert.equal(redactUrl('cannot open PostgreSQL postgres://u:pw@db/x: refused'), 'cannot open PostgreSQL postgres://u:***@db/x: refused');
  });
});
