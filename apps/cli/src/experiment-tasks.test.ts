import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventSubjects } from '@downscale/contracts';
import { connectNats, ensureStreams, startNatsServer, type NatsServerProcess } from '@downscale/messaging';
import { Experiment, openDatabase } from '@downscale/persistence';
import { collectEvents, eventually, type EventCollector } from '@downscale/service-kit';
import { downscaleAsync, storeTestExperiment } from './cli-fixtures.js';

describe('downscale experiment add-task', () => {
  const home = mkdtempSync(join(tmpdir(), 'downscale-add-task-'));
  let nats: NatsServerProcess;
  let announced: EventCollector<typeof eventSubjects.experimentTasksChanged>;

  before(async () => {
    nats = await startNatsServer();
    // The services create the streams when they start; here nothing else runs.
    const nc = await connectNats({ servers: nats.url, name: 'add-task-test' });
    await ensureStreams(nc);
    await nc.close();
    announced = await collectEvents(nats.url, eventSubjects.experimentTasksChanged);
    const db = await openDatabase({ sqlitePath: join(home, 'downscale.sqlite'), migrate: 'run' });
    try {
      await storeTestExperiment(db, 'exp-1');
    } finally {
      await db.destroy();
    }
  });

  after(async () => {
    await announced?.close();
    await nats?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  const storedTasks = async () => {
    const db = await openDatabase({ sqlitePath: join(home, 'downscale.sqlite'), migrate: 'none' });
    try {
      return (await db.getRepository(Experiment).findOneByOrFail({ id: 'exp-1' })).spec.tasks;
    } finally {
      await db.destroy();
    }
  };

  it('refuses a spec that does not resolve, naming it, and stores nothing', async () => {
    const bad = await downscaleAsync('experiment', 'add-task', '--experiment', 'exp-1', '--task', 'builtin/next-sentence', 'no-such-task', '--home', home, '--nats-url', nats.url);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /nothing added to experiment exp-1; fix these task specs:\n {2}task "no-such-task" is not a task name or task file/);
    assert.deepEqual(await storedTasks(), ['builtin/last-word']);
  });

  it('adds the tasks to the stored spec and announces the new list on experiment.tasksChanged', async () => {
    const added = await downscaleAsync('experiment', 'add-task', '--experiment', 'exp-1', '--task', 'builtin/next-sentence', '--home', home, '--nats-url', nats.url);
    assert.equal(added.status, 0, added.stderr);
    assert.match(added.stdout, /experiment exp-1: added builtin\/next-sentence; its tasks: builtin\/last-word, builtin\/next-sentence\./);
    assert.deepEqual(await storedTasks(), ['builtin/last-word', 'builtin/next-sentence']);
    const events = await eventually('experiment.tasksChanged', 30_000, async () => (announced.events.length > 0 ? announced.events : undefined));
    assert.deepEqual(events, [{ experimentId: 'exp-1', tasks: ['builtin/last-word', 'builtin/next-sentence'] }]);
  });

  it('names an unknown experiment', async () => {
    const missing = await downscaleAsync('experiment', 'add-task', '--experiment', 'nope', '--task', 'builtin/next-sentence', '--home', home, '--nats-url', nats.url);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /no experiment nope in the database/);
  });
});
