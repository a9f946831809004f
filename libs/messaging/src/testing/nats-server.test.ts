import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connectNats } from '../nats-connection.js';
import { startNatsServer } from './nats-server.js';

/** Messages in stream KEPT, asked over a fresh connection (an old one may not have noticed the restart yet). */
async function keptMessages(url: string): Promise<number> {
  const nc = await connectNats({ servers: url, name: 'test' });
  try {
    return (await (await jetstreamManager(nc)).streams.info('KEPT')).state.messages;
  } finally {
    await nc.close();
  }
}

describe('startNatsServer', () => {
  it('keeps port and JetStream data across a restart and a kill', { timeout: 20_000 }, async () => {
    const server = await startNatsServer();
    assert.ok(existsSync(server.storeDir));
    const nc = await connectNats({ servers: server.url, name: 'test' });
    await (await jetstreamManager(nc)).streams.add({ name: 'KEPT', subjects: ['kept.>'] });
    await jetstream(nc).publish('kept.one', 'data');
    await nc.close();

    await server.restart();
    assert.equal(await keptMessages(server.url), 1);
    await server.kill();
    assert.equal(server.child, undefined);
    await server.restart();
    assert.equal(await keptMessages(server.url), 1);
    await server.stop();
  });

  it('names the binary it could not run', { timeout: 10_000 }, async () => {
    await assert.rejects(startNatsServer({ binary: '/nonexistent/nats-server' }), /could not run \/nonexistent\/nats-server/);
  });
});
