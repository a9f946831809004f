/**
 * Loaders for the standard task files as exported from the Hugging Face datasets (one JSON
 * record per line, or the Parquet exports: one record per row, the same fields), turned into items with the prompt formats of EleutherAI
 * lm-evaluation-harness task definitions (lm_eval/tasks/...). All use the harness defaults:
 * target delimiter " " before each choice, "\n\n" between few-shot demonstrations.
 *
 * - arc_easy (lm_eval/tasks/arc/arc_easy.yaml; allenai/ai2_arc ARC-Easy):
 *   `{id, question, choices: {text: [..], label: [..]}, answerKey}`;
 *   context "Question: {question}\nAnswer:", choices choices.text,
 *   gold choices.label.index(answerKey).
 * - copa (lm_eval/tasks/super_glue/copa/default.yaml + utils.py; super_glue copa):
 *   `{premise, choice1, choice2, question: "cause"|"effect", label, idx}`;
 *   context premise.strip() without its last character (the period) + " because" (cause) or
 *   " therefore" (effect); choices [choice1, choice2] as written (the current default.yaml;
 *   older harness versions lower-cased the first letter of each choice), gold label.
 * - piqa (lm_eval/tasks/piqa/piqa.yaml; ybisk/piqa): `{goal, sol1, sol2, label}`;
 *   context "Question: {goal}\nAnswer:", choices [sol1, sol2], gold label.
 * - GLUE (lm_eval/tasks/glue/<task>/default.yaml; nyu-mll/glue): gold is the dataset's
 *   `label` as the index into the harness's doc_to_choice; the test splits are unlabelled
 *   (label -1) and refused. id: `idx`.
 *   - sst2 (glue/sst2/default.yaml): `{sentence, label, idx}`; context
 *     "{sentence}\nQuestion: Is this sentence positive or negative?\nAnswer:", choices
 *     ["negative", "positive"] (label 0 negative, 1 positive).
 *   - rte (glue/rte/default.yaml): `{sentence1, sentence2, label, idx}`; context
 *     "{sentence1}\nQuestion: {sentence2} True or False?\nAnswer:", choices ["True", "False"]
 *     (label 0 entailment, 1 not_entailment).
 *   - mrpc (glue/mrpc/default.yaml): `{sentence1, sentence2, label, idx}`; context
 *     "Sentence 1: {sentence1}\nSentence 2: {sentence2}\nQuestion: Do both sentences mean the
 *     same thing?\nAnswer:", choices ["no", "yes"] (label 0 not_equivalent, 1 equivalent).
 *   - qqp (glue/qqp/default.yaml, version 2.0; version 1.0 formatted absent sentence1/sentence2
 *     fields): `{question1, question2, label, idx}`; context "Question 1: {question1}\nQuestion 2:
 *     {question2}\nQuestion: Do both questions ask the same thing?\nAnswer:", choices
 *     ["no", "yes"] (label 0 not_duplicate, 1 duplicate).
 *   - mnli (glue/mnli/default.yaml + utils.py doc_to_text; the validation_matched split):
 *     `{premise, hypothesis, label, idx}`; context "{premise}\nQuestion: {hypothesis} True, False
 *     or Neither?\nAnswer:" with the hypothesis stripped and given a final "." unless it ends
 *     with one, choices ["True", "Neither", "False"] (label 0 entailment, 1 neutral,
 *     2 contradiction).
 * - blimp_* (lm_eval/tasks/blimp/template_yaml; blimp): `{sentence_good, sentence_bad, ...}`;
 *   the harness scores [sentence_good, sentence_bad] after an empty context with gold 0; here a
 *   minimal pair (same requests; see scoring.ts for how ties differ). id: `pair_id`.
 * - zorro (not in the harness): BabyLM's export of the Zorro test suite, one
 *   evaluation_data/zorro/<paradigm>.jsonl per paradigm, in BLiMP's fields
 *   `{sentence_good, sentence_bad, field, linguistic_term, UID, pair_id, ...}`, or a paradigm
 *   file as published in the Zorro repository, `<paradigm>.txt` (see parseZorroText): scored
 *   exactly as blimp, as BabyLM's harness-based pipeline does.
 * - lambada_openai (lm_eval/tasks/lambada/lambada_openai.yaml): `{text}`; context = text
 *   split on " " without its last piece, rejoined by " "; target = the last piece; the scored
 *   continuation " " + target, as the harness's doc_to_target.
 */
import { readFile } from 'node:fs/promises';
import { FieldReader, parseJsonl, TaskFileError, type JsonlRecord } from './jsonl.js';
import { readTaskRecords } from './task-records.js';
import {
  HARNESS_PROMPT_FORMAT,
  type ClozeItem,
  type MinimalPairItem,
  type MultipleChoiceItem,
  type Task,
} from './tasks.js';

export const HARNESS_TASK_NAMES = ['arc_easy', 'copa', 'piqa', 'sst2', 'rte', 'mrpc', 'qqp', 'mnli', 'blimp', 'zorro', 'lambada_openai'] as const;
export type HarnessTaskName = (typeof HARNESS_TASK_NAMES)[number];

function arcEasy(fields: FieldReader): MultipleChoiceItem {
  const choices = fields.object('choices');
  const text = fields.strings('choices.text', choices['text']);
  const labels = fields.strings('choices.label', choices['label']);
  const gold = labels.indexOf(fields.string('answerKey'));
  if (gold < 0) fields.raise(`answerKey "${fields.string('answerKey')}" is not one of the labels ${labels.join(', ')}`);
  return { id: fields.id(), context: `Question: ${fields.string('question')}\nAnswer:`, choices: text, gold };
}

function copa(fields: FieldReader): MultipleChoiceItem {
  const question = fields.string('question');
  const connector = question === 'cause' ? 'because' : question === 'effect' ? 'therefore' : fields.raise(`field "question" must be "cause" or "effect", not "${question}"`);
  const choices = [fields.string('choice1'), fields.string('choice2')];
  return {
    id: fields.id('idx'),
    context: `${fields.string('premise').trim().slice(0, -1)} ${connector}`,
    choices,
    gold: fields.checkIndex('label', fields.integer('label'), 2),
  };
}

function piqa(fields: FieldReader): MultipleChoiceItem {
  return {
    id: fields.id(),
    context: `Question: ${fields.string('goal')}\nAnswer:`,
    choices: [fields.string('sol1'), fields.string('sol2')],
    gold: fields.checkIndex('label', fields.integer('label'), 2),
  };
}

/** A GLUE task: the harness's doc_to_text over the record, its doc_to_choice, gold = label. */
function glue(docToText: (fields: FieldReader) => string, choices: readonly string[]): (fields: FieldReader) => MultipleChoiceItem {
  return (fields) => {
    const label = fields.integer('label');
    if (label === -1) fields.raise('field "label" is -1: GLUE test splits are unlabelled; evaluate the validation split (validation_matched for mnli)');
    return { id: fields.id('idx'), context: docToText(fields), choices, gold: fields.checkIndex('label', label, choices.length) };
  };
}

const sst2 = glue((fields) => `${fields.string('sentence')}\nQuestion: Is this sentence positive or negative?\nAnswer:`, ['negative', 'positive']);
const rte = glue((fields) => `${fields.string('sentence1')}\nQuestion: ${fields.string('sentence2')} True or False?\nAnswer:`, ['True', 'False']);
const mrpc = glue(
  (fields) => `Sentence 1: ${fields.string('sentence1')}\nSentence 2: ${fields.string('sentence2')}\nQuestion: Do both sentences mean the same thing?\nAnswer:`,
  ['no', 'yes'],
);
const qqp = glue(
  (fields) => `Question 1: ${fields.string('question1')}\nQuestion 2: ${fields.string('question2')}\nQuestion: Do both questions ask the same thing?\nAnswer:`,
  ['no', 'yes'],
);
const mnli = glue((fields) => {
  const hypothesis = fields.string('hypothesis').trim();
  return `${fields.string('premise')}\nQuestion: ${hypothesis}${hypothesis.endsWith('.') ? '' : '.'} True, False or Neither?\nAnswer:`;
}, ['True', 'Neither', 'False']);

function minimalPair(fields: FieldReader): MinimalPairItem {
  return { id: fields.id('pair_id'), good: fields.string('sentence_good'), bad: fields.string('sentence_bad') };
}

function lambada(fields: FieldReader): ClozeItem {
  const pieces = fields.string('text').split(' ');
  if (pieces.length < 2) fields.raise('field "text" must have at least two words');
  return { id: fields.id(), context: pieces.slice(0, -1).join(' '), target: pieces[pieces.length - 1] as string };
}

/** Parses one split of a harness task from JSONL text; `file` names the source in errors. */
export function parseHarnessTask(name: HarnessTaskName, content: string, file: string): Task['items'] {
  return harnessItems(name, parseJsonl(content, file), file);
}

/**
 * Zorro as published in its repository (sentences/babyberta/<paradigm>.txt): one sentence per
 * line, paired by position: each odd line (1, 3, ...) is ungrammatical and the even line after
 * it is its grammatical partner. A blank line inside the file would shift every later pair,
 * so it is refused, as is an odd number of lines; a final newline is fine. id: `file:line` of
 * the pair's first line.
 */
export function parseZorroText(content: string, file: string): MinimalPairItem[] {
  const lines = content.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  const blank = lines.findIndex((line) => line.trim() === '');
  if (blank >= 0) throw new TaskFileError(file, blank + 1, 'blank line: Zorro files pair sentences by line number (odd: ungrammatical, even: grammatical), so remove it');
  if (lines.length % 2 === 1) throw new TaskFileError(file, lines.length, 'this ungrammatical sentence (odd line) has no grammatical partner on the next line');
  const items: MinimalPairItem[] = [];
  for (let i = 0; i < lines.length; i += 2) items.push({ id: `${file}:${i + 1}`, bad: (lines[i] as string).trim(), good: (lines[i + 1] as string).trim() });
  return items;
}

function harnessItems(name: HarnessTaskName, records: readonly JsonlRecord[], file: string): Task['items'] {
  const readers = records.map((record) => new FieldReader(record, file));
  switch (name) {
    case 'arc_easy':
      return readers.map(arcEasy);
    case 'copa':
      return readers.map(copa);
    case 'piqa':
      return readers.map(piqa);
    case 'sst2':
      return readers.map(sst2);
    case 'rte':
      return readers.map(rte);
    case 'mrpc':
      return readers.map(mrpc);
    case 'qqp':
      return readers.map(qqp);
    case 'mnli':
      return readers.map(mnli);
    case 'blimp':
    case 'zorro':
      return readers.map(minimalPair);
    case 'lambada_openai':
      return readers.map(lambada);
  }
}

export interface HarnessTaskFiles {
  /** The split to evaluate (the harness uses validation for copa/piqa and GLUE, validation_matched for mnli, test for arc/lambada, train for blimp). */
  readonly evalFile: string;
  /** A train split for few-shot demonstrations. */
  readonly trainFile?: string;
}

function kindOf(name: HarnessTaskName): Task['kind'] {
  return name === 'blimp' || name === 'zorro' ? 'minimal-pair' : name === 'lambada_openai' ? 'cloze' : 'multiple-choice';
}

/** One split: JSONL or Parquet (task-records.ts), or for zorro also the repository's plain .txt. */
async function loadSplit(name: HarnessTaskName, file: string): Promise<Task['items']> {
  if (name === 'zorro' && file.endsWith('.txt')) return parseZorroText(await readFile(file, 'utf8'), file);
  return harnessItems(name, await readTaskRecords(file), file);
}

/** Loads a harness task from its exports (JSONL or Parquet; zorro also .txt). */
export async function loadHarnessTask(name: HarnessTaskName, files: HarnessTaskFiles, taskName: string = name): Promise<Task> {
  if (!HARNESS_TASK_NAMES.includes(name)) {
    throw new TaskFileError(files.evalFile, 0, `unknown harness task "${String(name)}"; known: ${HARNESS_TASK_NAMES.join(', ')}`);
  }
  const items = await loadSplit(name, files.evalFile);
  const train = files.trainFile ? await loadSplit(name, files.trainFile) : undefined;
  return { kind: kindOf(name), name: taskName, items, ...(train ? { train } : {}), format: HARNESS_PROMPT_FORMAT } as Task;
}
