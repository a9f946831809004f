import { Baseline } from './baseline.js';
import { Checkpoint } from './checkpoint.js';
import { Corpus } from './corpus.js';
import { EvalResult } from './eval-result.js';
import { Experiment } from './experiment.js';
import { MetricPoint } from './metric-point.js';
import { ProcessedEvent } from './processed-event.js';
import { Run } from './run.js';
import { ScalingFit } from './scaling-fit.js';
import { Task } from './task.js';
import { Tokenizer } from './tokenizer.js';
import { Vocabulary } from './vocabulary.js';

export { Baseline, Checkpoint, Corpus, EvalResult, Experiment, MetricPoint, ProcessedEvent, Run, ScalingFit, Task, Tokenizer, Vocabulary };
export type { CorpusStats } from './corpus.js';
export type { ExperimentState } from './experiment.js';
export type { FitResidual } from './scaling-fit.js';

/** Every entity, listed explicitly (no globs: the lib is bundled and run from dist). */
export const entities = [Vocabulary, Corpus, Tokenizer, Experiment, Run, MetricPoint, Checkpoint, Task, EvalResult, ScalingFit, Baseline, ProcessedEvent];
