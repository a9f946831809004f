/** Fixtures of the trainer's integration and fault tests: a tiny tokenized corpus and queued runs. */
import { join } from 'node:path';
import type { ArtifactStore } from '@downscale/artifacts';
import { jobSubjects, type TrainingJob } from '@downscale/contracts';
import type { EventPublisher } from '@downscale/messaging';
import { Corpus, Experiment, Run, Tokenizer } from '@downscale/persistence';
import { trainBpe, writeTokenFile } from '@downscale/tokenizer';
import type { DataSource } from 'typeorm';

export const experimentId = 'exp-trainer';
export const corpusId = 'corpus-trainer';
export const tokenizerId = 'tokenizer-trainer';
const words = ['the', 'cat', 'sat', 'on', 'a', 'mat', 'and', 'dog', 'ran', 'to', 'big', 'red', 'ball', 'saw', 'it'];
/** Sentences of 6 words cycling through `words`: a corpus a tiny model learns quickly. */
const sentences = Array.from({ length: 400 }, (_, i) => Array.from({ length: 6 }, (_, j) => words[(i * 5 + j * 3) % words.length]).join(' ') + '.');

/** Stores the corpus's token file and tokenizer and the experiment, corpus and tokenizer rows; returns the vocabulary size. */
export async function seedTrainingCorpus(db: DataSource, store: ArtifactStore): Promise<number> {
  const tokenizer = await trainBpe(sentences, { vocabSize: 60 });
  const uri = await store.putDirectory(`corpora/${corpusId}`, async (dir) => {
    await writeTokenFile(join(dir, 'tokens.bin'), tokenizer, sentences);
    await tokenizer.save(join(dir, 'tokenizer.json'));
  });
  await db.getRepository(Experiment).save(db.getRepository(Experiment).create({ id: experimentId, name: 'trainer test', preset: 'custom', spec: {} as never, state: 'running' }));
  await db.getRepository(Corpus).save(db.getRepository(Corpus).create({ id: corpusId, source: 'test', variant: 'simplified', contentHash: 'a'.repeat(64), vocabularyId: null, uri, stats: {} }));
  const tokenizerKey = `corpora/${corpusId}/tokenizer.json`;
  await db.getRepository(Tokenizer).save(
    db.getRepository(Tokenizer).create({ id: tokenizerId, corpusId, vocabSize: tokenizer.vocabSize, uri: store.uri(tokenizerKey), sha256: await store.sha256(tokenizerKey) }),
  );
  return tokenizer.vocabSize;
}

export interface TinyRun {
  runId: string;
  vocabSize: number;
  steps: number;
  checkpointInterval: number;
  /** Held-out loss (and a metric point) every this many steps; default 10. */
  evalInterval?: number;
}

/** Stores a queued run and sends its training job: h=16, 1 layer, context 8, `steps` steps of 4 sequences. */
export async function queueTrainingRun(db: DataSource, publisher: EventPublisher, run: TinyRun): Promise<TrainingJob> {
  const job = await storeTrainingRun(db, run);
  await publisher.publish(jobSubjects.trainingJob, job, { id: `training-job:${run.runId}` });
  return job;
}

/** Stores a queued run (as queueTrainingRun) and returns its training job, not yet sent. */
export async function storeTrainingRun(db: DataSource, run: TinyRun): Promise<TrainingJob> {
  const job: TrainingJob = {
    runId: run.runId,
    experimentId,
    corpusId,
    tokenizerId,
    model: { hiddenSize: 16, layers: 1, heads: 2, vocabSize: run.vocabSize, contextLength: 8, ropeTheta: 10_000 },
    training: {
      tokenBudget: run.steps * 4 * 8,
      batchSize: 4,
      microBatchSize: 4,
      peakLearningRate: 1e-2,
      minLearningRateRatio: 0.5,
      warmupSteps: 2,
      weightDecay: 0.1,
      gradientClip: 1,
      seed: 3,
      evalInterval: run.evalInterval ?? 10,
      checkpointInterval: run.checkpointInterval,
    },
  };
  const runs = db.getRepository(Run);
  await runs.save(
    runs.create({ id: run.runId, experimentId, corpusId, config: { model: job.model, training: job.training }, hiddenSize: 16, layers: 1, variant: 'simplified', seed: 3, state: 'queued' }),
  );
  return job;
}
