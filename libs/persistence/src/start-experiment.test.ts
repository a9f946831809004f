import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ExperimentCreated, ExperimentSpec } from '@downscale/contracts';
import type { DataSource } from 'typeorm';
import { Experiment } from './entities/index.js';
import { addExperimentTasks } from './add-experiment-tasks.js';
import { startExperiment, type ExperimentAnnouncer } from './start-experiment.js';
import { testDatabase, type TestDatabase } from './testing/test-databases.js';

const spec: ExperimentSpec = {
  name: 'tiny',
  preset: 'custom',
  corpus: { source: 'bundled', vocabulary: 'default' },
  grid: { hiddenSizes: [16], layers: [2], variants: ['simplified'], seeds: [1] },
  tokenBudget: 1_000,
  contextLength: 32,
  tasks: [],
  tokenizerVocabSize: 256,
};

/** Records what would go to NATS; fails while `down`. */
function recorder() {
  const sent: { payload: ExperimentCreated; id: string }[] = [];
  const announcer: ExperimentAnnouncer & { down: boolean } = {
    down: false,
    async publish(_subject, payload, meta) {
      if (this.down) throw new Error('no responders');
      sent.push({ payload, id: meta.id });
    },
  };
  return { sent, announcer };
}

let database: TestDatabase;
let dataSource: DataSource;
before(async () => {
  database = testDatabase('sqlite');
  dataSource = await database.open();
});
after(async () => {
  await dataSource.destroy();
  await database.drop();
});

test('stores and announces; the same spec again resumes that experiment, `fresh` makes a new one', async () => {
  const { sent, announcer } = recorder();
  const first = await startExperiment(dataSource, announcer, spec);
  assert.equal(first.resumed, false);
  const again = await startExperiment(dataSource, announcer, { ...spec, grid: { seeds: [1], variants: ['simplified'], layers: [2], hiddenSizes: [16] } });
  assert.deepEqual([again.resumed, again.experiment.id], [true, first.experiment.id], 'equal specs in another key order');
  const fresh = await startExperiment(dataSource, announcer, spec, { fresh: true });
  assert.notEqual(fresh.experiment.id, first.experiment.id);
  assert.deepEqual(sent.map((m) => m.payload.experimentId), [first.experiment.id, first.experiment.id, fresh.experiment.id]);
  assert.equal(new Set(sent.map((m) => m.id)).size, 3, 'a resume is a new message');
});

test('a failed announcement keeps the row, and starting again announces it', async () => {
  const { sent, announcer } = recorder();
  const other = { ...spec, name: 'announced later' };
  announcer.down = true;
  await assert.rejects(startExperiment(dataSource, announcer, other), /no responders/);
  const stored = await dataSource.getRepository(Experiment).findBy({ name: other.name });
  assert.equal(stored.length, 1);
  announcer.down = false;
  const { experiment, resumed } = await startExperiment(dataSource, announcer, other);
  assert.deepEqual([resumed, experiment.id, sent.length], [true, stored[0]!.id, 1]);
});

test('an experiment whose tasks were added since resumes from its original spec, and keeps the added tasks', async () => {
  const { sent, announcer } = recorder();
  const grown = { ...spec, name: 'tasks added later' };
  const { experiment } = await startExperiment(dataSource, announcer, grown);
  await addExperimentTasks(dataSource, { publish: async () => undefined }, experiment.id, ['copa:copa/validation.jsonl']);
  const again = await startExperiment(dataSource, announcer, grown);
  assert.deepEqual([again.resumed, again.experiment.id], [true, experiment.id]);
  assert.deepEqual(sent[1]!.payload.spec.tasks, ['builtin', 'copa:copa/validation.jsonl'], 'announced with its stored task list');
  const other = await startExperiment(dataSource, announcer, { ...grown, tasks: ['rte:rte/validation.jsonl'] });
  assert.equal(other.resumed, false, 'a task it does not have makes another experiment');
});
