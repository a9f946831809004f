/** The built-in tasks made from the bundled corpus's held-out children's books, original and simplified. */
import { bundledHoldout } from '@downscale/corpus-io';
import { buildBuiltinTasks, type BuiltinTaskOptions, type BuiltinTasks, type SourceBook } from './builtin-tasks.js';
import { simplifyTask, type SimplifiedTask, type VocabularyFilterOptions, type VocabularyFilterReport } from './vocabulary-filter.js';
import type { Task } from './tasks.js';

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
  const reports: VocabularyFilterReport[] = [];
  const filterCandidates = (candidates: Task): Task => {
    const { task, report } = simplifyTask(candidates, vocabulary, filter);
    reports.push(report);
    return task;
  };
  return { tasks: buildBuiltinTasks(books, { ...options, filterCandidates }), reports };
}
