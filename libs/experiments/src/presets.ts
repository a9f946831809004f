import { experimentSpec, type ExperimentSpec, type ExperimentTraining } from '@downscale/contracts';

export type PresetName = 'demo' | 'paper';

/** PAPER.md section 4: AdamW with the paper's schedule; 1,000 of ~32.5k steps warm up. */
const paperTraining: ExperimentTraining = {
  batchSize: 512,
  microBatchSize: 32,
  peakLearningRate: 2.8e-3,
  minLearningRateRatio: 0.5,
  warmupFraction: 1_000 / 32_500,
  weightDecay: 0.1,
  gradientClip: 1,
  evaluations: 20,
  checkpoints: 10,
};

const presetSpecs: Record<PresetName, ExperimentSpec> = {
  /** The paper's 18 x 2 grid on about 2.1B tokens per run: a GPU cluster's work. */
  paper: {
    name: 'paper: simplified vs regular, 18 sizes',
    preset: 'paper',
    corpus: { source: 'bundled', vocabulary: 'default' },
    grid: { hiddenSizes: [32, 64, 128, 256, 512, 1024], layers: [2, 4, 8], variants: ['simplified', 'regular'], seeds: [1] },
    tokenBudget: 2_100_000_000,
    contextLength: 128,
    tasks: [],
    tokenizerVocabSize: 15_000,
    training: paperTraining,
  },
  /**
   * The study in miniature for one 2-core machine (about 15 minutes measured, BENCHMARKS.md): 4 sizes on both
   * corpora, a small tokenizer and context so that tiny models train fast, and the paper's
   * optimiser fitted to a short schedule on tiny batches: 8 sequences per step (more steps
   * for the same tokens), peak 2e-3 and epsilon 1e-8. Measured on 400k tokens: h64 reached
   * an eval loss of 5.22 against h16's 5.53; with 16 sequences, 5.32 and 5.70; with the
   * paper's epsilon and 5e-3 the larger models ended behind the smaller ones.
   */
  demo: {
    name: 'demo: simplified vs regular, 4 sizes',
    preset: 'demo',
    corpus: { source: 'bundled', vocabulary: 'default' },
    grid: { hiddenSizes: [16, 32, 64, 128], layers: [2], variants: ['simplified', 'regular'], seeds: [1] },
    tokenBudget: 400_000,
    contextLength: 64,
    tasks: [],
    tokenizerVocabSize: 2_048,
    training: { ...paperTraining, batchSize: 8, microBatchSize: 8, peakLearningRate: 2e-3, adamEpsilon: 1e-8, warmupFraction: 0.05, evaluations: 5, checkpoints: 2 },
  },
};

export const presetNames = Object.keys(presetSpecs) as PresetName[];

/** A preset's spec with the given changes, validated (a bad change names its field). */
export function presetSpec(name: PresetName, changes: Partial<ExperimentSpec> = {}): ExperimentSpec {
  const base = presetSpecs[name];
  if (!base) throw new Error(`unknown preset ${JSON.stringify(name)}: use one of ${presetNames.join(', ')}`);
  return experimentSpec.parse({ ...base, ...changes });
}

/** The training settings of a spec: its own, or its preset's (custom specs default to the paper's). */
export function trainingOf(spec: ExperimentSpec): ExperimentTraining {
  return spec.training ?? (spec.preset === 'demo' ? presetSpecs.demo.training! : paperTraining);
}
