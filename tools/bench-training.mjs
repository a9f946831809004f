#!/usr/bin/env node
// Times the training run loop of @downscale/training end to end on random tokens: the
// steps' own tokens/s (from the metric points) and the wall-clock tokens/s of the whole run,
// eval and checkpoint encoding included, so that the loop's overhead over bare steps shows.
// Usage: node tools/bench-training.mjs [--hidden 128] [--layers 4] [--vocab 15000]
//          [--context 128] [--batch 16] [--micro 16] [--steps 4] [--backend wasm] [--json]
// Build first: npx tsc -b libs/training
import { parseArgs } from 'node:util';
import { cpus } from 'node:os';
import { Rng, selectBackend } from '../libs/model/dist/index.js';
import { TokenDataset, planRun, trainRun } from '../libs/training/dist/index.js';
import { performance } from 'node:perf_hooks';

const { values: args } = parseArgs({
  options: {
    hidden: { type: 'string', default: '128' },
    layers: { type: 'string', default: '4' },
    vocab: { type: 'string', default: '15000' },
    context: { type: 'string', default: '128' },
    batch: { type: 'string', default: '16' },
    micro: { type: 'string', default: '16' },
    steps: { type: 'string', default: '4' },
    backend: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const model = { hiddenSize: Number(args.hidden), numLayers: Number(args.layers), vocabSize: Number(args.vocab), contextLength: Number(args.context) };
const steps = Number(args.steps);
const training = {
  tokenBudget: steps * Number(args.batch) * model.contextLength,
  batchSize: Number(args.batch),
  microBatchSize: Number(args.micro),
  peakLearningRate: 1e-3,
  minLearningRateRatio: 0.5,
  warmupSteps: 1,
  weightDecay: 0.1,
  gradientClip: 1,
  seed: 1,
  evalInterval: steps, // one eval at the end (plus the initial one and at checkpoints)
  checkpointInterval: steps,
};

const backend = await selectBackend(args.backend);
const plan = planRun(model, training);
// Enough random tokens for one epoch plus a held-out split of 16 blocks.
const rng = Rng.fromSeed(1);
const ids = Uint16Array.from({ length: (plan.totalSteps * training.batchSize + 20) * model.contextLength + 1 }, () => rng.nextInt(model.vocabSize));
const dataset = new TokenDataset(ids, { contextLength: model.contextLength, seed: 1, heldOutFraction: 20 / (plan.totalSteps * training.batchSize + 20) });

const points = [];
let checkpointBytes = 0;
const started = performance.now();
const outcome = await trainRun({
  plan,
  dataset,
  metricsInterval: 1,
  evalBlocks: 16,
  onMetrics: (batch) => void points.push(...batch),
  onCheckpoint: ({ bytes }) => void (checkpointBytes = bytes.length),
});
const wallSeconds = (performance.now() - started) / 1000;
// The first step compiles kernels and fills caches: leave it out of the steady rate.
const steady = points.filter((p) => p.step > 1 && p.tokensPerSecond);
const stepTokensPerSecond = steady.length ? steady.length / steady.reduce((sum, p) => sum + 1 / p.tokensPerSecond, 0) : undefined;
const result = {
  backend,
  config: { ...model, batch: training.batchSize, micro: training.microBatchSize, steps },
  status: outcome.status,
  stepTokensPerSecond: stepTokensPerSecond && Math.round(stepTokensPerSecond),
  wallTokensPerSecond: Math.round(outcome.tokens / wallSeconds),
  wallSeconds: Number(wallSeconds.toFixed(1)),
  checkpointMiB: Number((checkpointBytes / 2 ** 20).toFixed(1)),
  cpus: `${cpus().length} x ${cpus()[0]?.model ?? 'unknown'}`,
};
console.log(args.json ? JSON.stringify(result) : result);
