import { backendLabel, countParameters, flopsPerToken, LlamaModel, ParallelTrainer, resolveModelConfig, selectBackend, Trainer, type ModelConfigInput } from '@downscale/model';

export interface ModelFlags {
  hidden: number;
  layers: number;
  vocab: number;
  heads?: number;
  context?: number;
}

function modelInput(flags: ModelFlags): ModelConfigInput {
  return {
    hiddenSize: flags.hidden,
    numLayers: flags.layers,
    vocabSize: flags.vocab,
    ...(flags.heads === undefined ? {} : { numHeads: flags.heads }),
    ...(flags.context === undefined ? {} : { contextLength: flags.context }),
  };
}

/** `downscale model-info`: parameter counts (PAPER.md's table) and FLOPs per token. */
export function modelInfo(flags: ModelFlags) {
  const config = resolveModelConfig(modelInput(flags));
  const params = countParameters(config);
  const flops = flopsPerToken(config);
  return { params: params.total, nonEmbeddingParams: params.nonEmbedding, flopsPerToken: { kaplan: flops.kaplan, detailed: flops.detailed } };
}

/**
 * `downscale bench-train`: optimizer steps on random tokens, timed after one warm-up step
 * (kernel compilation and first allocations are not training throughput); `threads` > 1
 * shares each step among that many data-parallel replicas.
 */
export async function benchTrain(flags: ModelFlags & { batch: number; steps: number; backend?: string; threads?: number }) {
  const backend = await selectBackend(flags.backend);
  const config = resolveModelConfig(modelInput(flags));
  const model = LlamaModel.create(config, 1);
  const options = { schedule: { peakLearningRate: 1e-3, warmupSteps: 0, totalSteps: flags.steps + 1, finalFraction: 0.5 } };
  const threads = flags.threads ?? 1;
  const trainer = threads > 1 ? new ParallelTrainer(model, options, threads, backend) : new Trainer(model, options);
  const length = config.contextLength;
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % config.vocabSize;
  const batch = () => {
    const tokens = Int32Array.from({ length: flags.batch * length }, random);
    const targets = Int32Array.from({ length: flags.batch * length }, random);
    return { tokens, targets, batchSize: flags.batch, length };
  };
  try {
    await trainer.trainStep([batch()]);
    const started = performance.now();
    for (let i = 0; i < flags.steps; i++) await trainer.trainStep([batch()]);
    const seconds = (performance.now() - started) / 1000;
    const tokensPerSecond = (flags.steps * flags.batch * length) / seconds;
    return {
      tokensPerSecond: Math.round(tokensPerSecond),
      params: countParameters(config).total,
      backend,
      /** Where the matrix products ran: the backend, or `wasm + OpenBLAS`. */
      products: backendLabel(backend),
      threads,
      secondsPerStep: seconds / flags.steps,
    };
  } finally {
    await trainer.dispose();
    model.dispose();
  }
}
