#!/usr/bin/env node
// Times training steps of @downscale/model on random tokens, per backend, and prints tokens/s
// and achieved model FLOP/s (detailed count). Also times the embedding-gradient strategies.
// Usage: node tools/bench-model-train.mjs [--hidden 128] [--layers 4] [--vocab 15000]
//          [--context 128] [--batch 16] [--steps 3] [--backends wasm,cpu] [--json]
// Build the lib first: npx tsc -b libs/model
import { parseArgs } from 'node:util';
import { cpus } from 'node:os';
import { LlamaModel, Rng, Trainer, batchFromBlocks, embeddingLookup, matMul, flopsPerToken, countParameters, selectBackend, tf } from '../libs/model/dist/index.js';
import { performance } from 'node:perf_hooks';

const { values: args } = parseArgs({
  options: {
    hidden: { type: 'string', default: '128' },
    layers: { type: 'string', default: '4' },
    vocab: { type: 'string', default: '15000' },
    context: { type: 'string', default: '128' },
    batch: { type: 'string', default: '16' },
    steps: { type: 'string', default: '3' },
    backends: { type: 'string', default: 'wasm,cpu' },
    json: { type: 'boolean', default: false },
  },
});
const config = {
  hiddenSize: Number(args.hidden),
  numLayers: Number(args.layers),
  vocabSize: Number(args.vocab),
  contextLength: Number(args.context),
};
const batchSize = Number(args.batch);
const steps = Number(args.steps);

function randomBatch(rng) {
  return batchFromBlocks(Array.from({ length: batchSize }, () => Array.from({ length: config.contextLength + 1 }, () => rng.nextInt(config.vocabSize))));
}

function timeTraining(backend) {
  const model = LlamaModel.create(config, 1);
  const trainer = new Trainer(model, { schedule: { peakLearningRate: 1e-3, warmupSteps: 1, totalSteps: 100, finalFraction: 0.5 } });
  const rng = Rng.fromSeed(1);
  trainer.trainStep([randomBatch(rng)]); // warm-up: kernels, caches
  const start = performance.now();
  for (let i = 0; i < steps; i++) trainer.trainStep([randomBatch(rng)]);
  const seconds = (performance.now() - start) / 1000;
  trainer.dispose();
  model.dispose();
  const tokens = steps * batchSize * config.contextLength;
  const flops = flopsPerToken(model.config).detailed * tokens;
  return { backend, tokensPerSecond: tokens / seconds, secondsPerStep: seconds / steps, modelGflops: flops / seconds / 1e9 };
}

/** Seconds for forward + backward of the embedding alone, per strategy. */
function timeEmbeddingGradient() {
  const n = batchSize * config.contextLength;
  const rng = Rng.fromSeed(2);
  const ids = tf.tensor1d(Array.from({ length: n }, () => rng.nextInt(config.vocabSize)), 'int32');
  const table = tf.variable(tf.randomNormal([config.vocabSize, config.hiddenSize]));
  const upstream = tf.randomNormal([n, config.hiddenSize]);
  const strategies = {
    scatter: (t) => embeddingLookup(t, ids, 'scatter'),
    'one-hot matmul': (t) => matMul(tf.oneHot(ids, config.vocabSize), t),
  };
  if (tf.getKernel('UnsortedSegmentSum', tf.getBackend())) strategies['segment-sum'] = (t) => embeddingLookup(t, ids, 'segment-sum');
  const result = {};
  for (const [name, lookup] of Object.entries(strategies)) {
    const run = () => tf.tidy(() => tf.grad((t) => tf.sum(tf.mul(lookup(t), upstream)))(table).dataSync());
    run();
    const start = performance.now();
    for (let i = 0; i < 3; i++) run();
    result[name] = (performance.now() - start) / 3 / 1000;
  }
  tf.dispose([ids, table, upstream]);
  return result;
}

const params = countParameters({ ...config, numHeads: 8, intermediateSize: 4 * config.hiddenSize });
const results = [];
for (const requested of args.backends.split(',')) {
  const backend = await selectBackend(requested);
  const training = timeTraining(backend);
  results.push({ ...training, embeddingGradientSeconds: timeEmbeddingGradient() });
}
const report = { config: { ...config, batchSize, steps }, params: params.total, nonEmbeddingParams: params.nonEmbedding, machine: { cpus: cpus().length, model: cpus()[0]?.model }, results };
if (args.json) console.log(JSON.stringify(report));
else {
  console.log(`h=${config.hiddenSize} L=${config.numLayers} V=${config.vocabSize} T=${config.contextLength} batch=${batchSize}: ${params.total} params; ${report.machine.cpus} x ${report.machine.model}`);
  for (const r of results) {
    const embedding = Object.entries(r.embeddingGradientSeconds).map(([k, v]) => `${k} ${(v * 1000).toFixed(1)} ms`).join(', ');
    console.log(`${r.backend.padEnd(6)} ${r.tokensPerSecond.toFixed(0)} tokens/s (${r.secondsPerStep.toFixed(2)} s/step, ${r.modelGflops.toFixed(1)} model GFLOP/s); embedding fwd+bwd: ${embedding}`);
  }
}
