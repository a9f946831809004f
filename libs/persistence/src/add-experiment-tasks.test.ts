import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ExperimentTasksChanged } from '@downscale/contracts';
import type { DataSource } from 'typeorm';
import { addExperimentTasks, type TasksChangedAnnouncer } from './add-experiment-tasks.js';
import { Experiment } from './entities/index.js';
import { createExperiment } from './testing/fixtures.js';
import { backends, testDatabase, type TestDatabase } from './testing/test-databases.js';

/** Records what would go to NATS; fails while `down`. */
function recorder() {
  const sent: { payload: ExperimentTasksChanged; id: string }[] = [];
  const announcer: TasksChangedAnnouncer & { down: boolean } = {
    down: false,
    async publish(_subject, payload, meta) {
      if (this.down) throw new Error('no responders');
      sent.push({ payload, id: meta.id });
    },
  };
  return { sent, announcer };
}

for (const backend of backends) {
  describe(`addExperimentTasks (${backend})`, () => {
    let database: TestDatabase;
    let dataSource: DataSource;
    before(async () => {
      database = testDatabase(backend);
      dataSource = await database.open();
    });
    after(async () => {
      await dataSource.destroy();
      await database.drop();
    });
    const storedTasks = async (id: string) => (await dataSource.getRepository(Experiment).findOneByOrFail({ id })).spec.tasks;

    it('appends new specs once, keeps the rest of the spec, and announces the whole list', async () => {
      const experiment = await createExperiment(dataSource);
      const { sent, announcer } = recorder();
      const outcome = await addExperimentTasks(dataSource, announcer, experiment.id, ['copa:v.jsonl', 'blimp', 'copa:v.jsonl']);
      assert.deepEqual(outcome, { tasks: ['blimp', 'copa:v.jsonl'], added: ['copa:v.jsonl'] });
      const stored = await dataSource.getRepository(Experiment).findOneByOrFail({ id: experiment.id });
      assert.deepEqual(stored.spec, { ...experiment.spec, tasks: ['blimp', 'copa:v.jsonl'] });
      assert.deepEqual(sent.map((m) => m.payload), [{ experimentId: experiment.id, tasks: ['blimp', 'copa:v.jsonl'] }]);
      assert.match(sent[0]!.id, new RegExp(`^experiment-tasks:${experiment.id}:[0-9a-f]{16}$`));
    });

    it('an experiment scored on the built-in tasks (none named) keeps them when tasks are added', async () => {
      const experiment = await createExperiment(dataSource, 'no tasks');
      await dataSource.getRepository(Experiment).update({ id: experiment.id }, { spec: { ...experiment.spec, tasks: [] } });
      const { announcer } = recorder();
      await addExperimentTasks(dataSource, announcer, experiment.id, ['arc_easy:a.jsonl']);
      assert.deepEqual(await storedTasks(experiment.id), ['builtin', 'arc_easy:a.jsonl']);
    });

    it('concurrent additions keep every task', async () => {
      const experiment = await createExperiment(dataSource, 'concurrent');
      const { announcer } = recorder();
      await Promise.all(['a.jsonl', 'b.jsonl', 'c.jsonl'].map((spec) => addExperimentTasks(dataSource, announcer, experiment.id, [spec])));
      assert.deepEqual([...(await storedTasks(experiment.id))].sort(), ['a.jsonl', 'b.jsonl', 'blimp', 'c.jsonl']);
    });

    it('a failed announcement keeps the update, and adding again announces the same list under the same id', async () => {
      const experiment = await createExperiment(dataSource, 'announced later');
      const { sent, announcer } = recorder();
      announcer.down = true;
      await assert.rejects(addExperimentTasks(dataSource, announcer, experiment.id, ['x.jsonl']), /no responders/);
      assert.deepEqual(await storedTasks(experiment.id), ['blimp', 'x.jsonl']);
      announcer.down = false;
      assert.deepEqual(await addExperimentTasks(dataSource, announcer, experiment.id, ['x.jsonl']), { tasks: ['blimp', 'x.jsonl'], added: [] });
      await addExperimentTasks(dataSource, announcer, experiment.id, ['x.jsonl']);
      assert.deepEqual(sent.map((m) => m.payload.tasks), [['blimp', 'x.jsonl'], ['blimp', 'x.jsonl']]);
      assert.equal(sent[0]!.id, sent[1]!.id);
    });

    it('refuses an unknown experiment and an empty list, naming them', async () => {
      const { announcer, sent } = recorder();
      await assert.rejects(addExperimentTasks(dataSource, announcer, 'nope', ['a.jsonl']), /no experiment nope in the database/);
      const experiment = await createExperiment(dataSource, 'empty');
      await assert.rejects(addExperimentTasks(dataSource, announcer, experiment.id, []), /give one or more task specs/);
      assert.equal(sent.length, 0);
    });
  });
}
