import type { CorpusVariant, ExperimentSpec, ExperimentTraining, ModelConfig, TrainingJob } from '@downscale/contracts';
import { countParameters, resolveModelConfig } from '@downscale/model';
import { trainingOf } from './presets.js';

/** One grid point of an experiment on one corpus, ready to become a run and a training job. */
export interface PlannedRun {
  /** Derived from the grid point, so that planning twice yields the same runs. */
  runId: string;
  variant: CorpusVariant;
  seed: number;
  model: ModelConfig;
  training: TrainingJob['training'];
  paramsTotal: number;
  paramsNonEmbedding: number;
}

export function runId(experimentId: string, variant: CorpusVariant, hiddenSize: number, layers: number, seed: number): string {
  return `${experimentId}-${variant}-h${hiddenSize}-l${layers}-s${seed}`;
}

/**
 * One run's training settings from an experiment's: warmup, evaluations and checkpoints are
 * shares of the run's steps, so they follow its token budget.
 */
export function runTraining(training: ExperimentTraining, run: { tokenBudget: number; contextLength: number; seed: number }): TrainingJob['training'] {
  const steps = Math.max(1, Math.ceil(run.tokenBudget / (training.batchSize * run.contextLength)));
  return {
    tokenBudget: run.tokenBudget,
    batchSize: training.batchSize,
    microBatchSize: training.microBatchSize,
    peakLearningRate: training.peakLearningRate,
    minLearningRateRatio: training.minLearningRateRatio,
    warmupSteps: Math.round(training.warmupFraction * steps),
    weightDecay: training.weightDecay,
    ...(training.adamEpsilon === undefined ? {} : { adamEpsilon: training.adamEpsilon }),
    gradientClip: training.gradientClip,
    seed: run.seed,
    evalInterval: Math.max(1, Math.floor(steps / training.evaluations)),
    checkpointInterval: Math.max(1, Math.floor(steps / training.checkpoints)),
  };
}

/**
 * The runs of one corpus variant of an experiment: every hidden size x layers x seed, each
 * trained on the experiment's token budget with its optimisation settings. Sizes whose
 * hidden size the heads do not divide are refused with the grid value named.
 */
export function planRuns(experimentId: string, spec: ExperimentSpec, variant: CorpusVariant, vocabSize: number): PlannedRun[] {
  const training = trainingOf(spec);
  const runs: PlannedRun[] = [];
  for (const hiddenSize of spec.grid.hiddenSizes) {
    for (const layers of spec.grid.layers) {
      for (const seed of spec.grid.seeds) {
        const heads = hiddenSize % 16 === 0 ? 8 : hiddenSize % 8 === 0 ? 4 : 0;
        if (heads === 0) throw new Error(`grid.hiddenSizes: ${hiddenSize} cannot be split into 8 or 4 attention heads of even size (rotary embeddings); use a multiple of 8`);
        const model: ModelConfig = { hiddenSize, layers, heads, vocabSize, contextLength: spec.contextLength, ropeTheta: 10_000 };
        const params = countParameters(resolveModelConfig({ hiddenSize, numLayers: layers, numHeads: heads, vocabSize, contextLength: spec.contextLength }));
        runs.push({
          runId: runId(experimentId, variant, hiddenSize, layers, seed),
          variant,
          seed,
          model,
          training: runTraining(training, { tokenBudget: spec.tokenBudget, contextLength: spec.contextLength, seed }),
          paramsTotal: params.total,
          paramsNonEmbedding: params.nonEmbedding,
        });
      }
    }
  }
  return runs;
}
