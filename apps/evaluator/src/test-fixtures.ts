/** Fixtures of the evaluator's integration and fault tests: a tiny tokenizer, model checkpoints and their parent rows. */
import { createHash } from 'node:crypto';
import type { ArtifactStore } from '@downscale/artifacts';
import type { CheckpointSaved } from '@downscale/contracts';
import { bundledHoldout } from '@downscale/corpus-io';
import { encodeCheckpoint, LlamaModel } from '@downscale/model';
import { Checkpoint, Corpus, Experiment, Run, Tokenizer } from '@downscale/persistence';
import { trainBpe } from '@downscale/tokenizer';
import type { DataSource } from 'typeorm';

/** Stores a tiny tokenizer (300 tokens, trained on the held-out books); returns its URI and size. */
export async function storeTokenizer(artifacts: ArtifactStore): Promise<{ uri: string; vocabSize: number }> {
  const tokenizer = await trainBpe(bundledHoldout().map((book) => book.text.slice(0, 20_000)), { vocabSize: 300 });
  const uri = await artifacts.putFile('corpora/corpus-1/tokenizer.json', JSON.stringify(tokenizer.toJSON()));
  return { uri, vocabSize: tokenizer.vocabSize };
}

/** Stores the checkpoint of a tiny untrained model (h=16, 1 layer) of run-1 at `step`; returns its file's URI and sha256. */
export async function storeCheckpoint(artifacts: ArtifactStore, vocabSize: number, step: number): Promise<{ bytes: Uint8Array; uri: string; sha256: string }> {
  const model = LlamaModel.create({ hiddenSize: 16, numLayers: 1, numHeads: 2, vocabSize, contextLength: 128 }, step);
  const weights = model.values();
  const zeros = new Map([...weights].map(([name, values]) => [name, new Float32Array(values.length)]));
  model.dispose();
  const bytes = encodeCheckpoint({ config: model.config, weights, optimizer: { step, firstMoments: zeros, secondMoments: zeros }, metadata: {} });
  const uri = await artifacts.putFile(`checkpoints/run-1/step-${String(step).padStart(9, '0')}/checkpoint.safetensors`, bytes);
  return { bytes, uri, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Records a stored checkpoint of run-1; returns its checkpoint.saved payload. */
export async function recordCheckpoint(db: DataSource, id: string, step: number, stored: { uri: string; sha256: string }): Promise<CheckpointSaved> {
  const saved = { checkpointId: id, runId: 'run-1', step, tokens: step * 32, uri: stored.uri, sha256: stored.sha256 };
  await db.getRepository(Checkpoint).save(db.getRepository(Checkpoint).create({ id, runId: saved.runId, step, tokens: saved.tokens, uri: saved.uri, sha256: saved.sha256 }));
  return saved;
}

/** Parent rows of a checkpoint: experiment (no tasks: the built-in ones), corpus, tokenizer, run. */
export async function seedRun(db: DataSource, tokenizerUri: string, vocabSize: number): Promise<void> {
  await db.getRepository(Experiment).save(
    db.getRepository(Experiment).create({
      id: 'exp-eval',
      name: 'evaluator test',
      preset: 'custom',
      spec: {
        name: 'evaluator test',
        preset: 'custom',
        corpus: { source: 'bundled', vocabulary: 'default' },
        grid: { hiddenSizes: [16], layers: [1], variants: ['simplified'], seeds: [0] },
        tokenBudget: 1000,
        contextLength: 128,
        tasks: [],
        tokenizerVocabSize: vocabSize,
      },
      state: 'running',
    }),
  );
  await db.getRepository(Corpus).save(db.getRepository(Corpus).create({ id: 'corpus-1', source: 'bundled', variant: 'simplified', contentHash: 'a'.repeat(64), uri: null, stats: null }));
  await db.getRepository(Tokenizer).save(db.getRepository(Tokenizer).create({ id: 'tok-1', corpusId: 'corpus-1', vocabSize, uri: tokenizerUri, sha256: null }));
  await db.getRepository(Run).save(
    db.getRepository(Run).create({
      id: 'run-1',
      experimentId: 'exp-eval',
      corpusId: 'corpus-1',
      tokenizerId: 'tok-1',
      config: { model: { hiddenSize: 16, layers: 1 } },
      hiddenSize: 16,
      layers: 1,
      variant: 'simplified',
      seed: 0,
      state: 'running',
    }),
  );
}
