// Evaluation science (ISSUE 5, PAPER.md section 5): tasks as data, harness-exact scoring
// against a narrow text-in log-likelihood interface, the vocabulary filter for task items,
// built-in offline tasks and loaders for harness task exports.
export {
  HARNESS_PROMPT_FORMAT,
  type ClozeItem,
  type ClozeTask,
  type MinimalPairItem,
  type MinimalPairTask,
  type MultipleChoiceItem,
  type MultipleChoiceTask,
  type PromptFormat,
  type Task,
} from './tasks.js';
export { TaskFileError, parseJsonl, type JsonlRecord } from './jsonl.js';
export { loadMultipleChoiceTask, parseMultipleChoiceJsonl } from './generic-loader.js';
export {
  HARNESS_TASK_NAMES,
  loadHarnessTask,
  parseHarnessTask,
  type HarnessTaskFiles,
  type HarnessTaskName,
} from './harness-loaders.js';
export { scoreRequests, type LanguageModel, type LoglikelihoodRequest, type LoglikelihoodResult } from './language-model.js';
export { FewShotSampler, type Demonstration, type FewShotOptions } from './few-shot.js';
export {
  firstArgmax,
  scoreCloze,
  scoreMinimalPairs,
  scoreMultipleChoice,
  scoreTask,
  type ClozeResult,
  type EvaluationResult,
  type MinimalPairResult,
  type MultipleChoiceDetail,
  type MultipleChoiceResult,
  type ScoringOptions,
} from './scoring.js';
export { majorityLevel, summariseAccuracy, type AccuracySummary } from './result.js';
export { bootstrapInterval, mean, meanStderr, type BootstrapInterval, type BootstrapOptions } from './statistics.js';
export { seededRandom, type Random } from './random.js';
export {
  oovWords,
  paperWords,
  simplifyTask,
  trimToVocabulary,
  type OovWordCount,
  type SimplifiedTask,
  type VocabularyFilterMode,
  type VocabularyFilterOptions,
  type VocabularyFilterReport,
  type WordRule,
} from './vocabulary-filter.js';
export { buildBuiltinTasks, type BuiltinTaskOptions, type BuiltinTasks, type SourceBook } from './builtin-tasks.js';
export {
  buildSimplifiedBuiltinTasks,
  buildSimplifiedWordNetTasks,
  bundledBuiltinTasks,
  bundledSimplifiedBuiltinTasks,
  bundledWordNet,
  taskVersions,
  type SimplifiedBuiltinTasks,
  type SimplifiedWordNetTasks,
  type TaskVersions,
} from './bundled-tasks.js';
export { bundledWordNetDir, readWordNet, WordNetFormatError, type Lemma, type Synset, type WordNet, type WordNetPointer, type WordNetPos } from './wordnet.js';
export { buildWordNetTasks, type WordNetTaskOptions, type WordNetTasks } from './wordnet-tasks.js';
export {
  LlamaLanguageModel,
  fitToWindow,
  heldOutTextLoss,
  type HeldOutLoss,
  type LlamaLanguageModelOptions,
  type TextTokenizer,
  type TokenRequest,
} from './llama-language-model.js';
export { DEFAULT_HELD_OUT_BYTES, heldOutParagraphs } from './held-out-text.js';
export {
  BUILTIN_TASK_NAMES,
  WORDNET_TASK_NAMES,
  resolveTasks,
  type BuiltinTaskName,
  type ResolvedTask,
  type ResolvedTasks,
  type TaskSpecOptions,
  type TaskVersionName,
} from './task-specs.js';
