/**
 * Tasks are data: a task is a name, a kind and a list of items. Prompt formatting happens when
 * a task is made (loaders and builders), so scoring never needs to know where items came from.
 */

/** Multiple choice: `context` followed by each choice; `gold` is the index of the right one. */
export interface MultipleChoiceItem {
  readonly id: string;
  readonly context: string;
  readonly choices: readonly string[];
  readonly gold: number;
}

/** Minimal pair (BLiMP-style): the model should give `good` a higher total log-likelihood. */
export interface MinimalPairItem {
  readonly id: string;
  readonly good: string;
  readonly bad: string;
}

/** Cloze / last word (LAMBADA-style): `target` must follow `context`. */
export interface ClozeItem {
  readonly id: string;
  readonly context: string;
  readonly target: string;
}

/**
 * How a prompt is joined, as lm-evaluation-harness does: the scored continuation is
 * `targetDelimiter + choice` (default " "), and few-shot demonstrations are joined by
 * `fewshotDelimiter` (default "\n\n").
 */
export interface PromptFormat {
  readonly targetDelimiter: string;
  readonly fewshotDelimiter: string;
}

export const HARNESS_PROMPT_FORMAT: PromptFormat = { targetDelimiter: ' ', fewshotDelimiter: '\n\n' };

interface TaskBase<Item> {
  readonly name: string;
  readonly items: readonly Item[];
  /** Items for few-shot demonstrations (the task's train split), if it has one. */
  readonly train?: readonly Item[];
  readonly format: PromptFormat;
  /** How the items (and distractors) were made, for the report and the dashboard. */
  readonly description?: string;
}

export interface MultipleChoiceTask extends TaskBase<MultipleChoiceItem> {
  readonly kind: 'multiple-choice';
}
export interface MinimalPairTask extends TaskBase<MinimalPairItem> {
  readonly kind: 'minimal-pair';
}
export interface ClozeTask extends TaskBase<ClozeItem> {
  readonly kind: 'cloze';
}
export type Task = MultipleChoiceTask | MinimalPairTask | ClozeTask;
