import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DataSource } from 'typeorm';
import { createExperiment, createRun } from '../testing/fixtures.js';
import { backends, testDatabase, type TestDatabase } from '../testing/test-databases.js';
import { Baseline, Checkpoint, Corpus, EvalResult, Experiment, MetricPoint, ProcessedEvent, Run, ScalingFit, Task, Tokenizer, Vocabulary } from './index.js';

const hash = (c: string) => c.repeat(64);

for (const backend of backends) {
  describe(`entities on ${backend}`, () => {
    let database: TestDatabase;
    let dataSource: DataSource;

    before(async () => {
      database = testDatabase(backend);
      dataSource = await database.open();
    });
    after(async () => {
      if (dataSource?.isInitialized) await dataSource.destroy();
      await database.drop();
    });

    test('a run round-trips with JSON, big counts as numbers, dates and nulls', async () => {
      const experiment = await createExperiment(dataSource);
      const saved = await createRun(dataSource, experiment.id);
      const loaded = await dataSource.getRepository(Run).findOneByOrFail({ id: saved.id });
      assert.deepEqual(loaded.config, { model: { hiddenSize: 64, layers: 2 } });
      assert.equal(loaded.paramsTotal, 5_000_000_000);
      assert.equal(loaded.paramsNonEmbedding, 120_000);
      assert.ok(loaded.createdAt instanceof Date);
      assert.equal(loaded.createdAt.toISOString(), saved.createdAt.toISOString());
      assert.equal(loaded.startedAt, null);
      assert.equal(loaded.state, 'queued');

      const reloadedExperiment = await dataSource.getRepository(Experiment).findOneByOrFail({ id: experiment.id });
      assert.deepEqual(reloadedExperiment.spec, experiment.spec);
    });

    test('ids are generated when not given, and given ids are kept', async () => {
      const generated = await dataSource.getRepository(Vocabulary).save(
        dataSource.getRepository(Vocabulary).create({ name: 'default', source: 'default', wordCount: 20_000, contentHash: hash('a') }),
      );
      assert.match(generated.id, /^[0-9a-f-]{36}$/);
      const given = await dataSource.getRepository(Vocabulary).save(
        dataSource.getRepository(Vocabulary).create({ id: 'vocab-1', name: 'aochildes', source: '/v.csv', wordCount: 21_037, contentHash: hash('b') }),
      );
      assert.equal(given.id, 'vocab-1');
    });

    test('the whole chain corpus -> tokenizer -> checkpoint -> eval result round-trips', async () => {
      const manager = dataSource.manager;
      const vocabulary = await manager.save(manager.create(Vocabulary, { name: 'v', source: 'default', wordCount: 10, contentHash: hash('c') }));
      const stats = { documentsIn: 10, documentsOut: 4, wordsIn: 1000, wordsOut: 300, tokens: 400 };
      const corpus = await manager.save(
        manager.create(Corpus, { source: 'bundled', variant: 'simplified', contentHash: hash('d'), vocabularyId: vocabulary.id, uri: 'file:///c', stats }),
      );
      const tokenizer = await manager.save(manager.create(Tokenizer, { corpusId: corpus.id, vocabSize: 8192, uri: 'file:///t', sha256: hash('e') }));
      const experiment = await createExperiment(dataSource);
      const run = await createRun(dataSource, experiment.id);
      await manager.update(Run, { id: run.id }, { corpusId: corpus.id, tokenizerId: tokenizer.id });
      const checkpoint = await manager.save(manager.create(Checkpoint, { runId: run.id, step: 100, tokens: 3_000_000_000, uri: 'file:///ck', sha256: hash('f') }));
      const result = await manager.save(
        manager.create(EvalResult, { checkpointId: checkpoint.id, task: 'blimp', taskVersion: 'simplified', n: 500, acc: 0.61, accNorm: 0.63, stderr: 0.02, loss: null }),
      );
      await manager.save(manager.create(Task, { name: 'blimp', version: 'simplified', format: 'minimal-pairs', exampleCount: 500, uri: null }));

      assert.deepEqual((await manager.findOneByOrFail(Corpus, { id: corpus.id })).stats, stats);
      assert.equal((await manager.findOneByOrFail(Checkpoint, { id: checkpoint.id })).tokens, 3_000_000_000);
      const loaded = await manager.findOneByOrFail(EvalResult, { id: result.id });
      assert.deepEqual([loaded.acc, loaded.accNorm, loaded.stderr, loaded.loss, loaded.n], [0.61, 0.63, 0.02, null, 500]);
      assert.equal((await manager.findOneByOrFail(Run, { id: run.id })).tokenizerId, tokenizer.id);

      // One result per checkpoint x task x version.
      const { checkpointId, task, taskVersion, n } = result;
      await assert.rejects(manager.insert(EvalResult, { id: 'another', createdAt: new Date(), checkpointId, task, taskVersion, n }));
    });

    test('scaling fits and baselines keep their JSON and numbers', async () => {
      const manager = dataSource.manager;
      const fit = await manager.save(
        manager.create(ScalingFit, {
          experimentId: null,
          form: 'power-plus-constant',
          variant: 'regular',
          version: 2,
          inputs: ['params'],
          parameters: { a: 12.5, alpha: 0.076, e: 1.69 },
          intervals: { alpha: [0.07, 0.08] },
          residuals: [{ runId: 'r1', observed: 3.1, predicted: 3.05 }],
          runIds: ['r1'],
          diagnostics: { r2: 0.98, method: 'huber-lbfgs' },
          inputHash: 'a'.repeat(64),
        }),
      );
      const loadedFit = await manager.findOneByOrFail(ScalingFit, { id: fit.id });
      assert.deepEqual(
        [loadedFit.parameters, loadedFit.intervals, loadedFit.residuals, loadedFit.version, loadedFit.diagnostics, loadedFit.inputHash],
        [fit.parameters, fit.intervals, fit.residuals, 2, { r2: 0.98, method: 'huber-lbfgs' }, 'a'.repeat(64)],
      );
      const baseline = await manager.save(
        manager.create(Baseline, {
          model: 'pythia-70m',
          family: 'Pythia',
          params: 70_426_624,
          tokens: 300_000_000_000,
          task: 'blimp',
          taskVersion: 'original',
          metric: 'acc',
          value: 0.7312,
          reference: 'Biderman et al. 2023',
        }),
      );
      const loadedBaseline = await manager.findOneByOrFail(Baseline, { id: baseline.id });
      assert.deepEqual([loadedBaseline.tokens, loadedBaseline.value], [300_000_000_000, 0.7312]);
    });

    test('metric points are keyed by (run, step) and go with their run', async () => {
      const run = await createRun(dataSource, (await createExperiment(dataSource)).id);
      const point = { runId: run.id, step: 1, tokens: 4096, flopsKaplan: 1.5e15, flopsHoffmann: null, trainLoss: 9.5, evalLoss: null, learningRate: 3e-4, tokensPerSecond: 12_000.5 };
      await dataSource.manager.insert(MetricPoint, point);
      const loaded = await dataSource.manager.findOneByOrFail(MetricPoint, { runId: run.id, step: 1 });
      assert.deepEqual({ ...loaded }, point);
      await assert.rejects(dataSource.manager.insert(MetricPoint, point));
      // Foreign keys are enforced (SQLite too): a point needs its run, and deleting the run deletes its points.
      await assert.rejects(dataSource.manager.insert(MetricPoint, { ...point, runId: 'no-such-run' }));
      await dataSource.manager.delete(Run, { id: run.id });
      assert.equal(await dataSource.manager.countBy(MetricPoint, { runId: run.id }), 0);
    });

    test('processed events are keyed by (consumer, event key)', async () => {
      const manager = dataSource.manager;
      await manager.insert(ProcessedEvent, { consumer: 'evaluator', eventKey: 'ck-1:blimp', processedAt: new Date() });
      await manager.insert(ProcessedEvent, { consumer: 'scaling', eventKey: 'ck-1:blimp', processedAt: new Date() });
      await assert.rejects(manager.insert(ProcessedEvent, { consumer: 'evaluator', eventKey: 'ck-1:blimp', processedAt: new Date() }));
      assert.ok((await manager.findOneByOrFail(ProcessedEvent, { consumer: 'scaling', eventKey: 'ck-1:blimp' })).processedAt instanceof Date);
    });
  });
}
