/**
 * Scoring with lm-evaluation-harness semantics.
 *
 * Multiple choice (harness `output_type: multiple_choice`): for each choice the model scores
 * the continuation `targetDelimiter + choice` (default " " + choice) after the prompt; `acc`
 * takes the argmax of the summed log-likelihoods, `acc_norm` the argmax of log-likelihood /
 * the choice's length in code points (without the delimiter, as the harness's Python
 * `len(choice)`). Ties go to the first maximum (numpy argmax) and are counted.
 *
 * Minimal pairs: `good` and `bad` are scored as continuations `targetDelimiter + sentence`
 * of an empty context (harness BLiMP: doc_to_text "", choices [good, bad]); correct only if
 * good is strictly higher. Unlike the harness (whose argmax gives ties to `good`), equal
 * scores count as wrong, and are counted.
 *
 * Cloze / last word (harness `output_type: loglikelihood`, e.g. LAMBADA): the continuation
 * is `targetDelimiter + target` as given; `acc` is the share of items where the target is
 * the greedy continuation, `perplexity` = exp(-mean summed log-likelihood per item), the
 * harness's `perplexity` aggregation.
 */
import { FewShotSampler, type Demonstration, type FewShotOptions } from './few-shot.js';
import { scoreRequests, type LanguageModel, type LoglikelihoodRequest } from './language-model.js';
import { majorityLevel, summariseAccuracy, type AccuracySummary } from './result.js';
import type { BootstrapOptions } from './statistics.js';
import { mean, meanStderr } from './statistics.js';
import type { ClozeTask, MinimalPairTask, MultipleChoiceItem, MultipleChoiceTask, Task } from './tasks.js';

export interface ScoringOptions {
  readonly fewShot?: FewShotOptions;
  readonly bootstrap?: BootstrapOptions;
}

export interface MultipleChoiceDetail {
  readonly id: string;
  /** Summed natural-log likelihood of each choice. */
  readonly logliks: number[];
  readonly pred: number;
  readonly predNorm: number;
  readonly gold: number;
}

interface ResultBase extends AccuracySummary {
  readonly task: string;
  /** Expected accuracy of a uniform random guess. */
  readonly chance: number;
  /** Accuracy of always giving the most frequent answer (label position, or target word). */
  readonly majority: number;
}

export interface MultipleChoiceResult extends ResultBase {
  readonly kind: 'multiple-choice';
  readonly accNorm: number;
  readonly accNormStderr: number;
  /** Items whose highest log-likelihood was shared by two or more choices. */
  readonly ties: number;
  readonly tiesNorm: number;
  readonly items: MultipleChoiceDetail[];
}

export interface MinimalPairResult extends ResultBase {
  readonly kind: 'minimal-pair';
  /** Pairs with exactly equal scores (counted wrong). */
  readonly ties: number;
  readonly items: { id: string; good: number; bad: number }[];
}

export interface ClozeResult extends ResultBase {
  readonly kind: 'cloze';
  readonly perplexity: number;
  readonly items: { id: string; logprob: number; isGreedy: boolean }[];
}

export type EvaluationResult = MultipleChoiceResult | MinimalPairResult | ClozeResult;

/** First index of the maximum, and whether another index shares it. */
export function firstArgmax(values: readonly number[]): { index: number; tied: boolean } {
  let index = 0;
  let tied = false;
  for (let i = 1; i < values.length; i++) {
    const value = values[i] as number;
    const best = values[index] as number;
    if (value > best) {
      index = i;
      tied = false;
    } else if (value === best) tied = true;
  }
  return { index, tied };
}

/** Python's `len(str)`: code points, not UTF-16 units (an emoji is 1, not 2). */
export function codePointLength(text: string): number {
  return Array.from(text).length;
}

function prefixes(task: Task, options: ScoringOptions, demonstrations: readonly Demonstration[]): string[] {
  const sampler = new FewShotSampler(demonstrations, task.format, options.fewShot ?? { k: 0 });
  return task.items.map(() => sampler.nextPrefix());
}

function multipleChoiceDemonstrations(items: readonly MultipleChoiceItem[]): Demonstration[] {
  return items.map((item) => ({ context: item.context, target: item.choices[item.gold] as string }));
}

export async function scoreMultipleChoice(model: LanguageModel, task: MultipleChoiceTask, options: ScoringOptions = {}): Promise<MultipleChoiceResult> {
  const prompts = prefixes(task, options, multipleChoiceDemonstrations(task.train ?? []));
  const requests: LoglikelihoodRequest[] = task.items.flatMap((item, i) =>
    item.choices.map((choice) => ({ context: prompts[i] + item.context, continuation: task.format.targetDelimiter + choice })),
  );
  const results = await scoreRequests(model, requests);
  let offset = 0;
  let ties = 0;
  let tiesNorm = 0;
  const correct: number[] = [];
  const correctNorm: number[] = [];
  const items = task.items.map((item): MultipleChoiceDetail => {
    const logliks = item.choices.map((_, c) => (results[offset + c] as { logprob: number }).logprob);
    offset += item.choices.length;
    const raw = firstArgmax(logliks);
    const norm = firstArgmax(logliks.map((ll, c) => ll / codePointLength(item.choices[c] as string)));
    if (raw.tied) ties++;
    if (norm.tied) tiesNorm++;
    correct.push(raw.index === item.gold ? 1 : 0);
    correctNorm.push(norm.index === item.gold ? 1 : 0);
    return { id: item.id, logliks, pred: raw.index, predNorm: norm.index, gold: item.gold };
  });
  return {
    kind: 'multiple-choice',
    task: task.name,
    ...summariseAccuracy(correct, options.bootstrap),
    accNorm: mean(correctNorm),
    accNormStderr: meanStderr(correctNorm),
    ties,
    tiesNorm,
    chance: mean(task.items.map((item) => 1 / item.choices.length)),
    majority: majorityLevel(task.items.map((item) => item.gold)),
    items,
  };
}

export async function scoreMinimalPairs(model: LanguageModel, task: MinimalPairTask, options: ScoringOptions = {}): Promise<MinimalPairResult> {
  const delimiter = task.format.targetDelimiter;
  const requests = task.items.flatMap((item) => [
    { context: '', continuation: delimiter + item.good },
    { context: '', continuation: delimiter + item.bad },
  ]);
  const results = await scoreRequests(model, requests);
  let ties = 0;
  const items = task.items.map((item, i) => {
    const good = (results[2 * i] as { logprob: number }).logprob;
    const bad = (results[2 * i + 1] as { logprob: number }).logprob;
    if (good === bad) ties++;
    return { id: item.id, good, bad };
  });
  return {
    kind: 'minimal-pair',
    task: task.name,
    ...summariseAccuracy(items.map(({ good, bad }) => (good > bad ? 1 : 0)), options.bootstrap),
    ties,
    chance: 0.5,
    // Which sentence is good is not a position a guesser could exploit: no majority class.
    majority: 0.5,
    items,
  };
}

export async function scoreCloze(model: LanguageModel, task: ClozeTask, options: ScoringOptions = {}): Promise<ClozeResult> {
  const prompts = prefixes(task, options, task.train ?? []);
  const requests = task.items.map((item, i) => ({ context: prompts[i] + item.context, continuation: task.format.targetDelimiter + item.target }));
  const results = await scoreRequests(model, requests);
  const items = task.items.map((item, i) => ({ id: item.id, ...(results[i] as { logprob: number; isGreedy: boolean }) }));
  return {
    kind: 'cloze',
    task: task.name,
    ...summariseAccuracy(items.map((item) => (item.isGreedy ? 1 : 0)), options.bootstrap),
    perplexity: Math.exp(-mean(items.map((item) => item.logprob))),
    // An open-vocabulary guess has (practically) no chance of being right.
    chance: 0,
    majority: majorityLevel(task.items.map((item) => item.target.trim().toLowerCase())),
    items,
  };
}

/** Scores any task by its kind. */
export async function scoreTask(model: LanguageModel, task: Task, options: ScoringOptions = {}): Promise<EvaluationResult> {
  switch (task.kind) {
    case 'multiple-choice':
      return scoreMultipleChoice(model, task, options);
    case 'minimal-pair':
      return scoreMinimalPairs(model, task, options);
    case 'cloze':
      return scoreCloze(model, task, options);
  }
}
