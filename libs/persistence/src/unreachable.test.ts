import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueryFailedError } from 'typeorm';
import { createDataSource } from './data-source.js';
import { isDatabaseUnreachable, retryWhileUnreachable } from './unreachable.js';

const socketError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code });

describe('isDatabaseUnreachable', () => {
  it('is true for a refused, reset or lost connection, also wrapped by TypeORM or as a cause', () => {
    assert.ok(isDatabaseUnreachable(socketError('ECONNREFUSED')));
    assert.ok(isDatabaseUnreachable(new QueryFailedError('SELECT 1', [], socketError('ECONNRESET'))));
    assert.ok(isDatabaseUnreachable(new Error('cannot open PostgreSQL', { cause: new Error('Connection terminated unexpectedly') })));
    assert.ok(isDatabaseUnreachable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })));
    assert.ok(isDatabaseUnreachable(Object.assign(new Error('connection failure'), { code: '08006' })));
  });

  it('is false for a statement the database refused, and for non-errors', () => {
    assert.ok(!isDatabaseUnreachable(new QueryFailedError('INSERT', [], Object.assign(new Error('duplicate key'), { code: '23505' }))));
    assert.ok(!isDatabaseUnreachable(Object.assign(new Error('relation "run" does not exist'), { code: '42P01' })));
    assert.ok(!isDatabaseUnreachable(undefined));
    assert.ok(!isDatabaseUnreachable('ECONNREFUSED'));
  });

  it('is true for what node-postgres reports when nothing listens on the port', async () => {
    // A port just closed on loopback: the real driver's real error.
    const { createServer } = await import('node:net');
    const server = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const error = await createDataSource({ url: `postgres://nobody@127.0.0.1:${port}/none` }).initialize().then(
      () => assert.fail('connected to a closed port'),
      (e: unknown) => e,
    );
    assert.ok(isDatabaseUnreachable(error), String(error));
  });
});

describe('retryWhileUnreachable', () => {
  const fast = { initialDelayMs: 1, maxDelayMs: 2 };

  it('retries while the database is unreachable and returns the first answer', async () => {
    let calls = 0;
    const retries: number[] = [];
    const value = await retryWhileUnreachable(
      async () => {
        if (++calls < 4) throw socketError('ECONNREFUSED');
        return 'answer';
      },
      { ...fast, onRetry: (_error, attempt) => retries.push(attempt) },
    );
    assert.equal(value, 'answer');
    assert.deepEqual(retries, [1, 2, 3]);
  });

  it('rethrows any other failure at once', async () => {
    let calls = 0;
    const refused = Object.assign(new Error('duplicate key'), { code: '23505' });
    await assert.rejects(
      retryWhileUnreachable(async () => {
        calls++;
        throw refused;
      }, fast),
      refused,
    );
    assert.equal(calls, 1);
  });

  it('gives up with the last error once its signal is aborted', async () => {
    const stop = new AbortController();
    let calls = 0;
    const pending = retryWhileUnreachable(
      async () => {
        if (++calls === 3) stop.abort();
        throw socketError('ECONNRESET');
      },
      { ...fast, signal: stop.signal },
    );
    await assert.rejects(pending, /ECONNRESET/);
    assert.equal(calls, 3);
  });
});
